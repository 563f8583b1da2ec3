#!/usr/bin/env node
// The S3 emulator (s3rver) in its own process: buckets from S3RVER_BUCKETS (JSON array of names),
// files under S3RVER_DIR, on 127.0.0.1 and a free port. Prints {"port":N} once listening, and exits
// when the parent's end of stdin closes. It accepts the local mode's credentials (local/local)
// besides its own (S3RVER/S3RVER), so functions sign with the same keys as for the other emulators.
import S3rver from 's3rver';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
DUMMY_ACCOUNT.createKeyPair(
  process.env.S3RVER_ACCESS_KEY ?? 'local',
  process.env.S3RVER_SECRET_KEY ?? 'local',
);

const buckets = JSON.parse(process.env.S3RVER_BUCKETS ?? '[]');
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3RVER_PORT ?? 0),
  directory: process.env.S3RVER_DIR,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = async () => {
  // A close waits for open connections (a long poll, a keep-alive): bounded, as nothing else would
  // end this process once its parent has gone.
  setTimeout(() => process.exit(0), 5000).unref();
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
