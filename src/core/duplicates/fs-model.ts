/**
 * Fellegi-Sunter record linkage. Each compared field yields an agreement level (0 = missing on either
 * side, 1 = disagree, higher = closer agreement). With m[l] = P(level l | same entity) and
 * u[l] = P(level l | different entities) and a prior λ of a candidate pair being a match, the score of
 * a pair is the posterior P(match | levels) = λ∏m / (λ∏m + (1−λ)∏u). A missing field carries no
 * evidence. Parameters start from documented defaults and are re-estimated per scan with EM over the
 * scan's own comparison vectors (conditional independence, latent match class).
 */

export type Reason = {
  field: string;
  method: 'exact' | 'fuzzy' | 'phonetic' | 'nickname';
  similarity: number;
  a: string | null;
  b: string | null;
};

/** One field's comparison: its level and, for the reasons, how it matched. */
export type FieldComparison = {
  level: number;
  similarity: number;
  method: Reason['method'];
  a: string | null;
  b: string | null;
};

export type FieldModel = { field: string; m: number[]; u: number[] };
export type Model = {
  lambda: number;
  fields: FieldModel[];
  /**
   * Fields that identify the entity (a person's names): when EM's estimate for one of them is
   * implausible, the latent class it found is not "same entity" (e.g. "same place") and the whole
   * estimate is discarded for the defaults.
   */
  identity?: string[];
};

export function posterior(model: Model, levels: ArrayLike<number>): number {
  let logRatio = Math.log(model.lambda / (1 - model.lambda));
  for (let f = 0; f < model.fields.length; f++) {
    const l = levels[f]!;
    if (l === 0) continue;
    const fm = model.fields[f]!;
    logRatio += Math.log(fm.m[l]! / fm.u[l]!);
  }
  return 1 / (1 + Math.exp(-logRatio));
}

/** Match weight of one field at one level, log2(m/u) (0 for missing). */
export const fieldWeight = (model: Model, f: number, level: number): number =>
  level === 0 ? 0 : Math.log2(model.fields[f]!.m[level]! / model.fields[f]!.u[level]!);

const EPS = 1e-4;

function normalize(p: number[]): number[] {
  const out = p.map((x) => Math.max(x, EPS));
  const s = out.slice(1).reduce((a, b) => a + b, 0);
  return out.map((x, i) => (i === 0 ? 1 : x / s));
}

export type EmResult = { model: Model; iterations: number; converged: boolean; usedDefaults: string[] };

/**
 * Estimates m, u and λ from comparison vectors with EM. Vectors are grouped into distinct patterns
 * first (a scan of 100k contacts has far fewer patterns than pairs). Guards against the degenerate
 * solutions EM can drift to: a field whose estimated top-level ratio m/u is below 1, whose m puts
 * more than half of the matches on "different", or that was never compared keeps its default
 * parameters; λ stays within [1e-4, 0.9].
 */
export function estimateEm(
  defaults: Model,
  vectors: Uint8Array[],
  opts: { maxIterations?: number; minPairs?: number } = {},
): EmResult {
  const patterns = new Map<string, { levels: Uint8Array; n: number }>();
  for (const v of vectors) {
    const k = v.join(',');
    const p = patterns.get(k);
    if (p) p.n++;
    else patterns.set(k, { levels: v, n: 1 });
  }
  return estimateEmPatterns(defaults, [...patterns.values()], opts);
}

/** EM over distinct comparison patterns with their counts (see `estimateEm`). */
export function estimateEmPatterns(
  defaults: Model,
  pats: { levels: Uint8Array; n: number }[],
  opts: { maxIterations?: number; minPairs?: number } = {},
): EmResult {
  const F = defaults.fields.length;
  const pairCount = pats.reduce((s, p) => s + p.n, 0);
  if (pairCount < (opts.minPairs ?? 50))
    return {
      model: defaults,
      iterations: 0,
      converged: false,
      usedDefaults: defaults.fields.map((f) => f.field),
    };
  let model: Model = structuredClone(defaults);
  let iterations = 0;
  let converged = false;
  for (; iterations < (opts.maxIterations ?? 200); iterations++) {
    const mAcc = model.fields.map((f) => new Array<number>(f.m.length).fill(0));
    const uAcc = model.fields.map((f) => new Array<number>(f.u.length).fill(0));
    let gSum = 0;
    let total = 0;
    for (const p of pats) {
      const g = posterior(model, p.levels);
      gSum += g * p.n;
      total += p.n;
      for (let f = 0; f < F; f++) {
        const l = p.levels[f]!;
        mAcc[f]![l]! += g * p.n;
        uAcc[f]![l]! += (1 - g) * p.n;
      }
    }
    const lambda = Math.min(0.9, Math.max(1e-4, gSum / total));
    const next: Model = {
      lambda,
      fields: model.fields.map((fm, f) => ({
        field: fm.field,
        m: normalize(mAcc[f]!),
        u: normalize(uAcc[f]!),
      })),
    };
    let delta = Math.abs(next.lambda - model.lambda);
    for (let f = 0; f < F; f++)
      for (let l = 1; l < next.fields[f]!.m.length; l++)
        delta = Math.max(
          delta,
          Math.abs(next.fields[f]!.m[l]! - model.fields[f]!.m[l]!),
          Math.abs(next.fields[f]!.u[l]! - model.fields[f]!.u[l]!),
        );
    model = next;
    if (delta < 1e-6) {
      converged = true;
      break;
    }
  }
  const usedDefaults: string[] = [];
  model.fields = model.fields.map((fm, f) => {
    const top = fm.m.length - 1;
    const seen = pats.some((p) => p.levels[f]! > 0);
    // Implausible for a match class: true duplicates that disagree on a field more often than not, or
    // whose full agreement is barely more likely than among non-matches (EM drifting to "namesakes").
    if (!seen || fm.m[top]! / fm.u[top]! < 1 || fm.m[1]! > 0.5 || fm.m[1]! / fm.u[1]! > 1) {
      usedDefaults.push(fm.field);
      return defaults.fields[f]!;
    }
    return fm;
  });
  if (usedDefaults.some((f) => defaults.identity?.includes(f))) {
    model = structuredClone(defaults);
    usedDefaults.splice(0, usedDefaults.length, ...defaults.fields.map((f) => f.field));
  }
  // λ must agree with the parameters finally used: refit it alone when some fields fell back.
  if (usedDefaults.length)
    for (let k = 0; k < 100; k++) {
      let g = 0;
      for (const p of pats) g += posterior(model, p.levels) * p.n;
      const lambda = Math.min(0.9, Math.max(1e-4, g / pairCount));
      const done = Math.abs(lambda - model.lambda) < 1e-6;
      model.lambda = lambda;
      if (done) break;
    }
  return { model, iterations, converged, usedDefaults };
}
