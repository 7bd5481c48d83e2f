import { describe, expect, it } from 'vitest';
import { bucketCeiling, bucketFloor, DURATION_BOUNDS, medianOf, medianProbe } from './duration-median.js';

/** percentile_cont(0.5) of a list, as PostgreSQL computes it. */
function percentileCont(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const p = 0.5 * (s.length - 1);
  const lo = Math.floor(p);
  const hi = Math.ceil(p);
  return s[lo]! + (s[hi]! - s[lo]!) * (p - lo);
}
/** The bucket of a duration, as report_duration_bucket (width_bucket over the bounds) computes it. */
function bucketOf(x: number): number {
  let b = 0;
  for (const t of DURATION_BOUNDS) if (x >= t) b++;
  return b;
}

describe('medians from a duration histogram', () => {
  it('bounds rise, start at 0 and 60 s and reach past ten years', () => {
    expect(DURATION_BOUNDS.slice(0, 2)).toEqual([0, 60]);
    for (let i = 1; i < DURATION_BOUNDS.length; i++)
      expect(DURATION_BOUNDS[i]!).toBeGreaterThan(DURATION_BOUNDS[i - 1]!);
    expect(DURATION_BOUNDS.at(-1)!).toBeGreaterThan(10 * 365 * 86_400);
    expect(bucketFloor(0)).toBeNull();
    expect(bucketFloor(1)).toBe(0);
    expect(bucketFloor(3)).toBe(75);
  });

  it('finds the same median as sorting everything, for odd and even counts and ties', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const n of [1, 2, 3, 4, 5, 10, 11, 99, 100, 1000]) {
      const xs = Array.from({ length: n }, () =>
        rand() < 0.1 ? 3600 : rand() < 0.05 ? -5 : Math.round(rand() ** 3 * 90 * 86_400 * 1000) / 1000,
      );
      const hist = new Map<number, number>();
      for (const x of xs) hist.set(bucketOf(x), (hist.get(bucketOf(x)) ?? 0) + 1);
      const probe = medianProbe(hist)!;
      expect(probe.n).toBe(n);
      // What the index read returns: the values of the bucket and above, in order, after the offset.
      const floor = bucketFloor(probe.bucket);
      const read = xs
        .filter((x) => floor === null || x >= floor)
        .sort((a, b) => a - b)
        .slice(probe.offset, probe.offset + 2);
      expect(medianOf(probe, read)).toBe(percentileCont(xs));
      // Bounded above by the last bucket the median needs, the read still finds the median.
      const ceiling = bucketCeiling(probe.lastBucket);
      const bounded = xs
        .filter((x) => (floor === null || x >= floor) && (ceiling === null || x < ceiling))
        .sort((a, b) => a - b)
        .slice(probe.offset, probe.offset + 2);
      expect(medianOf(probe, bounded)).toBe(percentileCont(xs));
    }
  });

  it('has no median for an empty histogram, and says so when the read comes back short', () => {
    expect(medianProbe([])).toBeNull();
    expect(medianProbe([[4, 0]])).toBeNull();
    expect(() => medianOf({ n: 2, bucket: 1, offset: 0, fraction: 0.5, lastBucket: 1 }, [5])).toThrow(
      /drifted/,
    );
  });
});
