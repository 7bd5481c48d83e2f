import type { Rule } from './duplicate-rules.service.js';
import type { DuplicateAction } from './duplicates.schemas.js';
import type { FieldComparison } from './fs-model.js';

/** A compared candidate: its comparisons (in the comparator's field order) and its probabilistic score. */
export type Compared = { fields: readonly string[]; comparisons: FieldComparison[]; score: number };

const top = (c: FieldComparison, topLevel: number) =>
  c.level === topLevel ? 1 : c.level > 0 ? c.similarity : 0;

/** A rule field's similarity (0..1; 1 = equal after normalization) for one candidate. */
export function fieldSimilarity(c: Compared, field: string): number {
  if (field === 'person') return c.score;
  const at = (name: string) => c.fields.indexOf(name);
  const get = (name: string) => c.comparisons[at(name)];
  // Top level of each comparison: lists 2, names and free text 4 (company 3), codes 3, state 2.
  const levelTop: Record<string, number> = {
    email: 2,
    phone: 2,
    firstName: 4,
    lastName: 4,
    streetNumber: 3,
    street: 4,
    street2: 4,
    postcode: 3,
    city: 4,
    state: 2,
    company: 3,
    domain: 2,
    name: 4,
  };
  if (field === 'name' && at('name') < 0) {
    const f = get('firstName');
    const l = get('lastName');
    return f && l ? (top(f, 4) + top(l, 4)) / 2 : 0;
  }
  if (field === 'street' && at('streetNumber') >= 0) {
    const n = get('streetNumber')!;
    const s = get('street')!;
    return (top(n, 3) + top(s, 4)) / 2;
  }
  const cmp = get(field);
  return cmp ? top(cmp, levelTop[field] ?? 2) : 0;
}

/** Whether a rule fires for a candidate: every exact field equal, and the weighted mean ≥ threshold. */
export function ruleFires(rule: Rule, c: Compared): boolean {
  let sum = 0;
  let weights = 0;
  for (const f of rule.fields) {
    const s = fieldSimilarity(c, f.field);
    if (f.match === 'exact' && s < 1) return false;
    const w = f.weight ?? 1;
    sum += s * w;
    weights += w;
  }
  return weights > 0 && sum / weights >= rule.threshold - 1e-9;
}

const STRENGTH: Record<DuplicateAction, number> = { flag: 1, link: 2, block: 3 };

export type Decision<T> = {
  action: DuplicateAction | 'none';
  /** Candidates some rule fired for, best first, with the first rule (by position) that fired. */
  matches: (T & { rule: Rule })[];
  /** For `link`: the best candidate a link rule fired for. */
  linkTo: (T & { rule: Rule }) | null;
};

/**
 * Applies the rules to scored candidates: each candidate gets the first rule (by position) that fires
 * for it; the decision is the strongest action among them (block > link > flag).
 */
export function decide<T extends Compared>(rules: Rule[], candidates: T[]): Decision<T> {
  const matches: (T & { rule: Rule })[] = [];
  for (const c of candidates) {
    const rule = rules.find((r) => ruleFires(r, c));
    if (rule) matches.push({ ...c, rule });
  }
  matches.sort((a, b) => STRENGTH[b.rule.action] - STRENGTH[a.rule.action] || b.score - a.score);
  const action = matches[0]?.rule.action ?? 'none';
  return { action, matches, linkTo: action === 'link' ? matches[0]! : null };
}
