import {
  estimateEm,
  type FieldComparison,
  fieldWeight,
  type Model,
  posterior,
  type Reason,
} from './fs-model.js';

/** How an entity is matched: its profile, blocking keys, comparison and default model. */
export type Comparator<P> = {
  fields: readonly string[];
  keys: (p: P) => string[];
  compare: (a: P, b: P) => FieldComparison[];
  model: Model;
  /** A smaller block limit for some keys (refinable keys whose narrow versions are also emitted). */
  maxBlock?: (key: string) => number | undefined;
};

export type ScoredPair = {
  a: number;
  b: number;
  score: number;
  reasons: Reason[];
};

/**
 * Blocks larger than this are skipped in a scan (a key shared by that many records — an office phone,
 * a shared inbox, a very common name in one postcode — says little; other keys still pair its records).
 */
export const MAX_BLOCK = 1000;

/** Candidate pairs (i < j) of records sharing at least one blocking key. */
export function candidatePairs(
  keysOf: string[][],
  maxBlock = MAX_BLOCK,
  maxBlockOf?: (key: string) => number | undefined,
): { pairs: Uint32Array; skippedKeys: number } {
  const blocks = new Map<string, number[]>();
  keysOf.forEach((keys, i) => {
    for (const k of keys) {
      const b = blocks.get(k);
      if (b) b.push(i);
      else blocks.set(k, [i]);
    }
  });
  const seen = new Set<number>();
  const out: number[] = [];
  let skippedKeys = 0;
  const N = keysOf.length;
  for (const [key, ids] of blocks) {
    if (ids.length < 2) continue;
    if (ids.length > (maxBlockOf?.(key) ?? maxBlock)) {
      skippedKeys++;
      continue;
    }
    for (let x = 0; x < ids.length; x++)
      for (let y = x + 1; y < ids.length; y++) {
        const i = ids[x]!;
        const j = ids[y]!;
        const code = i < j ? i * N + j : j * N + i;
        if (seen.has(code)) continue;
        seen.add(code);
        out.push(i < j ? i : j, i < j ? j : i);
      }
  }
  return { pairs: Uint32Array.from(out), skippedKeys };
}

export const levelsOf = (c: FieldComparison[]): Uint8Array => Uint8Array.from(c.map((x) => x.level));

/** The reasons of a pair: fields that agree at least partly, strongest evidence first. */
export function reasonsOf(model: Model, fields: readonly string[], c: FieldComparison[]): Reason[] {
  return c
    .map((x, f) => ({ x, f, w: fieldWeight(model, f, x.level) }))
    .filter(({ x, w }) => x.level >= 2 && w > 0)
    .sort((p, q) => q.w - p.w)
    .map(({ x, f }) => ({ field: fields[f]!, method: x.method, similarity: x.similarity, a: x.a, b: x.b }));
}

export type ScanScore = {
  pairs: ScoredPair[];
  compared: number;
  model: Model;
  em: { iterations: number; converged: boolean; usedDefaults: string[] };
};

/**
 * Compares every candidate pair, estimates the model with EM on these comparisons, and returns the
 * pairs scoring at least `minScore`, best first. `onProgress` is called every few thousand pairs.
 */
export function scoreCandidates<P>(
  cmp: Comparator<P>,
  profiles: P[],
  pairs: Uint32Array,
  minScore: number,
  opts: { em?: boolean; onProgress?: (done: number, total: number) => void } = {},
): ScanScore {
  const total = pairs.length / 2;
  const comparisons: FieldComparison[][] = new Array(total);
  const vectors: Uint8Array[] = new Array(total);
  for (let k = 0; k < total; k++) {
    const c = cmp.compare(profiles[pairs[2 * k]!]!, profiles[pairs[2 * k + 1]!]!);
    comparisons[k] = c;
    vectors[k] = levelsOf(c);
    if (opts.onProgress && k % 5000 === 4999) opts.onProgress(k + 1, total);
  }
  const em = opts.em === false ? null : estimateEm(cmp.model, vectors);
  const model = em?.model ?? cmp.model;
  const out: ScoredPair[] = [];
  for (let k = 0; k < total; k++) {
    const score = posterior(model, vectors[k]!);
    if (score < minScore) continue;
    out.push({
      a: pairs[2 * k]!,
      b: pairs[2 * k + 1]!,
      score: Math.round(score * 10000) / 10000,
      reasons: reasonsOf(model, cmp.fields, comparisons[k]!),
    });
  }
  out.sort((p, q) => q.score - p.score);
  opts.onProgress?.(total, total);
  return {
    pairs: out,
    compared: total,
    model,
    em: em
      ? { iterations: em.iterations, converged: em.converged, usedDefaults: em.usedDefaults }
      : { iterations: 0, converged: false, usedDefaults: cmp.fields.slice() },
  };
}
