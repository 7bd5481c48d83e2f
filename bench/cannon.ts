/** Load generation shared by the benchmarks: autocannon runs keeping every response time. */
import autocannon from 'autocannon';

/** One run: every response time (ms) autocannon reported, and its totals. */
export type Sample = { times: number[]; requests: number; seconds: number; non2xx: number; errors: number };

/** The exact p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs one request shape for `seconds` over `connections` and keeps every response time. */
export async function cannon(
  url: string,
  seconds: number,
  connections: number,
  request: autocannon.Request,
  headers: Record<string, string>,
): Promise<Sample> {
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, headers, requests: [request], timeout: 10 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (times.length < 2_000_000) times.push(responseTime);
    });
  });
  return { times, requests: r.requests.total, seconds: r.duration, non2xx: r.non2xx, errors: r.errors };
}
