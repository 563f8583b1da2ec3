// The bench's HTTP load generator, run as its own process (bench/support.ts runAutocannon):
// autocannon driven through its API, timed here. autocannon's own `duration` counts whole ticks
// of a second (2,000 requests that took 0.35 s read as 1.01 s), so the rate is timed from the
// first request sent to the last response (ADR 0022, "The pipeline's CPU per review").
// Every response's latency (ms) is printed too, so that batches can be pooled into one percentile
// (bench/alternating.ts), as the raw baselines' are.
// Argument: the options as JSON ({ url, method, headers, body, connections, amount }).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const options = JSON.parse(process.argv[2]);
let first;
let last;
const latencies = [];
const instance = autocannon(
  {
    url: options.url,
    method: options.method,
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    amount: options.amount,
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    process.stdout.write(
      JSON.stringify({
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        requests: result.requests.total,
        seconds: first === undefined || last === undefined ? result.duration : (last - first) / 1000,
        latencies,
      }),
    );
  },
);
instance.on('start', () => {
  first = performance.now();
});
instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
  last = performance.now();
  latencies.push(Math.round(responseTime * 100) / 100);
});
