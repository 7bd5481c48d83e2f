/**
 * Exact medians from a kept histogram (ADR 016). Durations are bucketed by `report_duration_bucket`
 * (migration 0018): bucket b (1-based, PostgreSQL's width_bucket) holds [DURATION_BOUNDS[b - 1],
 * DURATION_BOUNDS[b]) seconds; bucket 0 holds negative durations. The histogram says which bucket holds
 * the median's rank and how many values lie below it; the caller then reads that bucket's values in
 * order from an index, skipping that many, and `medianOf` interpolates as percentile_cont(0.5) does.
 */
export const DURATION_BOUNDS: readonly number[] = [
  0, 60, 75, 94, 117, 146, 183, 229, 286, 358, 447, 559, 698, 873, 1091, 1364, 1705, 2132, 2665, 3331, 4163,
  5204, 6505, 8132, 10164, 12705, 15882, 19852, 24815, 31019, 38774, 48468, 60585, 75731, 94663, 118329,
  147911, 184889, 231112, 288889, 361112, 451390, 564237, 705297, 881621, 1102026, 1377532, 1721916, 2152394,
  2690493, 3363116, 4203895, 5254869, 6568587, 8210733, 10263416, 12829271, 16036588, 20045735, 25057169,
  31321461, 39151827, 48939784, 61174729, 76468412, 95585515, 119481893, 149352367, 186690458, 233363073,
  291703841, 364629801,
];

/** The lowest duration of a bucket (null for bucket 0: everything below 0). */
export const bucketFloor = (bucket: number): number | null =>
  bucket <= 0 ? null : (DURATION_BOUNDS[bucket - 1] ?? null);

/** The bound above a bucket's values (null for the last bucket, which is open above). */
export const bucketCeiling = (bucket: number): number | null => DURATION_BOUNDS[Math.max(bucket, 0)] ?? null;

export type MedianProbe = {
  /** Values in the cohort. */
  n: number;
  /** The bucket that holds the lower middle value. */
  bucket: number;
  /** Values of the cohort in that bucket and above to skip before the lower middle value. */
  offset: number;
  /** percentile_cont(0.5)'s position between the lower middle value and the next (0 or 0.5). */
  fraction: number;
  /** The bucket that holds the last value the median needs (the next one when `fraction` is not 0). */
  lastBucket: number;
};

/** Where the median is, from a histogram of `[bucket, count]` (any order); null when empty. */
export function medianProbe(histogram: Iterable<readonly [number, number]>): MedianProbe | null {
  const counts = [...histogram].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const n = counts.reduce((a, [, c]) => a + c, 0);
  if (n === 0) return null;
  const p = 0.5 * (n - 1);
  const lo = Math.floor(p);
  let below = 0;
  const last = p > lo ? lo + 1 : lo;
  let found: Omit<MedianProbe, 'lastBucket'> | null = null;
  for (const [bucket, c] of counts) {
    if (!found && lo < below + c) found = { n, bucket, offset: lo - below, fraction: p - lo };
    if (found && last < below + c) return { ...found, lastBucket: bucket };
    below += c;
  }
  throw new Error('unreachable: the rank is within the histogram');
}

/** The median from the probe and the lower middle value and the next (as percentile_cont computes it). */
export function medianOf(probe: MedianProbe, values: readonly number[]): number {
  const first = values[0];
  if (first === undefined) throw new Error('the median bucket read no values: the kept histogram drifted');
  if (probe.fraction === 0) return first;
  const second = values[1];
  if (second === undefined) throw new Error('the median bucket read one value: the kept histogram drifted');
  return first + (second - first) * probe.fraction;
}
