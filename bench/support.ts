/** Small helpers for the bench: a bounded worker pool and percentiles. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await work(index);
      }
    }),
  );
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Latency from a separate load-generator process (autocannon), so the clients do not share the
 * gateway's event loop: `amount` requests over `connections` keep-alive connections.
 */
export async function runAutocannon(options: {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  amount: number;
}): Promise<{ p50: number; p99: number; non2xx: number; requests: number }> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '-c',
    String(options.connections),
    '-a',
    String(options.amount),
    '-m',
    options.method,
    '-j',
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
    ...(options.body ? ['-b', options.body] : []),
    options.url,
  ];
  // Asynchronous: the gateway under test runs in this very process and must keep answering.
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  const result = JSON.parse(stdout) as {
    latency: { p50: number; p99: number };
    non2xx: number;
    requests: { total: number };
  };
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/** Varied, realistic review texts whose words agree with the rating (a bench is not a spam test). */
export function benchReview(i: number): { rating: number; title: string; body: string } {
  const rating = [5, 4, 5, 3, 2, 5, 4, 1, 5, 4][i % 10]!;
  const praise = [
    'absolutely beautiful',
    'stunning and fresh',
    'exactly what we dreamed of',
    'elegant and generous',
    'perfectly on theme',
    'gorgeous in every photo',
  ];
  const service = [
    'arrived early and set up quietly',
    'answered every message within hours',
    'handled a last-minute change calmly',
    'were kind to our nervous families',
    'kept to the budget without fuss',
    'worked seamlessly with the venue',
  ];
  const complaints = [
    'arrived two hours late',
    'ignored half of our brief',
    'left the tables half dressed',
    'charged for items we never got',
    'stopped answering our emails',
    'brought wilted bouquets',
  ];
  const moods = [
    'We would book them again',
    'Our guests still talk about it',
    'Worth every penny',
    'Cannot recommend enough',
    'A real highlight of the day',
    'Thank you for everything',
  ];
  const pick = (list: string[], salt: number) =>
    list[(i * 7 + salt * 13 + Math.floor(i / list.length)) % list.length]!;
  if (rating >= 4) {
    return {
      rating,
      title: `${pick(moods, 1)}`,
      body: `The flowers were ${pick(praise, 2)} and the team ${pick(service, 3)}. ${pick(moods, 4)}. Booking ref ${i}.`,
    };
  }
  if (rating === 3) {
    return {
      rating,
      title: 'Mixed feelings',
      body: `The flowers were ${pick(praise, 5)} but the team ${pick(complaints, 6)}. Order ${i}.`,
    };
  }
  return {
    rating,
    title: 'Disappointed',
    body: `Sadly the team ${pick(complaints, 7)} and ${pick(complaints, 8)}. Not what we paid for. Order ${i}.`,
  };
}
