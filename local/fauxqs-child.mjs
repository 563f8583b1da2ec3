#!/usr/bin/env node
// The SQS emulator (fauxqs, ESM-only) in its own process: prints {"port":N} once listening, and
// exits when the parent's end of stdin closes. With FAUXQS_CLOCK_WARP=1 it runs on the local mode's
// scaled clock (warp-clock.cjs: message delays and visibility timeouts follow it); a stdin line
// `clock <segment JSON>` adds a segment and is answered `clocked`.
import { createInterface } from 'node:readline';
import { startFauxqs } from 'fauxqs';
import { installClockWarp } from './warp-clock.cjs';

const addClockSegment = process.env.FAUXQS_CLOCK_WARP === '1' ? installClockWarp() : undefined;

const server = await startFauxqs({ port: Number(process.env.FAUXQS_PORT ?? 0), logger: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = async () => {
  // A close waits for open connections (a long poll, a keep-alive): bounded, as nothing else would
  // end this process once its parent has gone.
  setTimeout(() => process.exit(0), 5000).unref();
  await server.stop().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', stop);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.startsWith('clock ') || !addClockSegment) return;
  addClockSegment(JSON.parse(line.slice('clock '.length)));
  process.stdout.write('clocked\n');
});
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
