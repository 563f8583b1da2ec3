import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAutocannon } from '../../../bench/support';

describe('the bench load generator (bench/load-client.mjs)', () => {
  it('times its rate from the first request to the last response, not in whole seconds', async () => {
    let first: number | undefined;
    let last = 0;
    const server = createServer((req, res) => {
      first ??= Date.now();
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          last = Date.now();
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }, 20),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const started = Date.now();
      const result = await runAutocannon({ url, method: 'GET', headers: {}, connections: 16, amount: 240 });
      const wall = (Date.now() - started) / 1000;
      const served = (last - first!) / 1000;
      expect(result).toMatchObject({ requests: 240, non2xx: 0 });
      const seconds = result.requests / result.perSecond;
      // The client's span holds the server's (it sends first and hears last) and lies within the
      // process's run. autocannon's own duration, a whole number of seconds plus a tick (1.01 s
      // for about 0.3 s of requests here), would be far above what the server served.
      expect(seconds).toBeGreaterThanOrEqual(served - 0.01);
      expect(seconds).toBeLessThanOrEqual(wall);
      expect(seconds).toBeLessThan(served + 0.6);
      // Every response's latency, for pooling batches: each waited out the server's 20 ms timer (which
      // may fire a millisecond early, on the event loop's cached clock).
      expect(result.latencies).toHaveLength(240);
      expect(Math.min(...result.latencies)).toBeGreaterThanOrEqual(18);
      expect(result.seconds).toBeCloseTo(seconds, 1);
    } finally {
      server.close();
    }
  });
});
