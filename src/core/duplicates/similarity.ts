/** String and number similarities in [0, 1] for the scored comparison. */

/** Jaro similarity. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  const la = a.length;
  const lb = b.length;
  if (!la || !lb) return 0;
  const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const ma = new Uint8Array(la);
  const mb = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    for (let j = lo; j <= hi; j++) {
      if (mb[j] || a[i] !== b[j]) continue;
      ma[i] = 1;
      mb[j] = 1;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!ma[i]) continue;
    while (!mb[k]) k++;
    if (a[i] !== b[k]) t++;
    k++;
  }
  return (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
}

/** Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  let p = 0;
  const max = Math.min(4, a.length, b.length);
  while (p < max && a[p] === b[p]) p++;
  return j + p * 0.1 * (1 - j);
}

/** Trigrams of a string padded like pg_trgm does per word ("  ab " …). */
export function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const w of s.split(' ')) {
    if (!w) continue;
    const p = `  ${w} `;
    for (let i = 0; i + 3 <= p.length; i++) out.add(p.slice(i, i + 3));
  }
  return out;
}

/** Trigram similarity like pg_trgm's `similarity()`: shared / (|A| + |B| − shared). */
export function trigramSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const ta = trigrams(a);
  const tb = trigrams(b);
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  const union = ta.size + tb.size - shared;
  return union ? shared / union : 0;
}

/** Sørensen–Dice coefficient over character bigrams. */
export function dice(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      grams.set(g, n - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}

/** Damerau-Levenshtein (optimal string alignment) distance. */
export function editDistance(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (!la) return lb;
  if (!lb) return la;
  let prev2 = new Array<number>(lb + 1).fill(0);
  let prev = Array.from({ length: lb + 1 }, (_, j) => j);
  let cur = new Array<number>(lb + 1).fill(0);
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[lb]!;
}

/**
 * Closeness of two codes made of digits (postcodes, house numbers): 1 when equal, 0.8 for one
 * substituted or transposed digit, 0.6 for one inserted or deleted digit, else 0.
 */
export function codeCloseness(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const d = editDistance(a, b);
  if (d > 1) return 0;
  return a.length === b.length ? 0.8 : 0.6;
}

/** Closeness of two numbers relative to their size: 1 − |a − b| / max(|a|, |b|), never below 0. */
export function numericCloseness(a: number, b: number): number {
  if (a === b) return 1;
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 ? 1 : Math.max(0, 1 - Math.abs(a - b) / m);
}

/**
 * Name similarity robust to word order and extra words: the best Jaro-Winkler of the whole strings or
 * of their words sorted ("van der berg anna" vs "anna van der berg").
 */
const memo = new Map<string, number>();
const MEMO_MAX = 200_000;

export function nameSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  // Scans compare the same few thousand names, streets and cities over and over: remember results.
  const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const v = nameSimilarityUncached(a, b);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, v);
  return v;
}

function nameSimilarityUncached(a: string, b: string): number {
  const sa = a.split(' ').sort().join(' ');
  const sb = b.split(' ').sort().join(' ');
  return Math.max(jaroWinkler(a, b), jaroWinkler(sa, sb));
}
