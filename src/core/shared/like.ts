/** Text for LIKE/ILIKE with its wildcards (`%`, `_`) and the escape character matched literally. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

/** An ILIKE pattern for "contains": the search text, escaped, between wildcards. */
export const containsPattern = (q: string): string => `%${escapeLike(q)}%`;
