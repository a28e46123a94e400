/**
 * Load for the server benches: `count` POSTs of one body, `clients` at a time, each latency recorded; and the
 * percentile of a list of latencies.
 */
export interface LoadResult {
  rate: number;
  latencies: number[];
  failed: number;
}

export async function postLoad(url: string, body: string, count: number, clients: number): Promise<LoadResult> {
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < count) {
      next++;
      const begin = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.text();
      if (!response.ok) failed++;
      latencies.push(performance.now() - begin);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, worker));
  return { rate: count / ((performance.now() - started) / 1000), latencies, failed };
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}
