// A load generator in its own process (so that client and server sockets do not share one file
// descriptor limit): fires COUNT POST /v1/reviews requests at once, each on its own connection
// (an http.Agent without a socket cap), with distinct externalIds, and prints one JSON line:
// { statuses, errors, errorSamples, missingRetryAfter, accepted, durationMs }.
import http from 'node:http';

const [url, apiKey, countText, prefix] = process.argv.slice(2);
const count = Number(countText);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const target = new URL('/v1/reviews', url);

function post(i) {
  const body = JSON.stringify({
    rating: (i % 5) + 1,
    title: `Burst ${i}`,
    body: 'Sent in a burst of concurrent requests.',
    reviewerName: 'Burst Couple',
    platform: 'google',
    externalId: `${prefix}-${i}`,
  });
  return new Promise((resolve) => {
    const request = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            retryAfter: response.headers['retry-after'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', (error) => resolve({ error: error.code ?? error.message }));
      },
    );
    request.on('error', (error) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

const started = Date.now();
const results = await Promise.all(Array.from({ length: count }, (_, i) => post(i)));
const summary = {
  statuses: {},
  errors: 0,
  errorSamples: [],
  missingRetryAfter: 0,
  accepted: 0,
  durationMs: 0,
};
for (const result of results) {
  if (result.error) {
    summary.errors += 1;
    if (summary.errorSamples.length < 5) summary.errorSamples.push(result.error);
    continue;
  }
  summary.statuses[result.status] = (summary.statuses[result.status] ?? 0) + 1;
  if (result.status === 429 && !/^\d+$/.test(result.retryAfter ?? '')) summary.missingRetryAfter += 1;
  if (result.status === 202 && JSON.parse(result.body).reviewId) summary.accepted += 1;
}
summary.durationMs = Date.now() - started;
process.stdout.write(`${JSON.stringify(summary)}\n`);
