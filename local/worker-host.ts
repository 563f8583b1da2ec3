/**
 * The queue consumers of the local mode, in their own process (as Lambda runs them apart from
 * the API): one SqsPoller per catalogued queue consumer (Lambda's event source mapping), calling
 * the consumer function's `handleBatch` in that function's own worker thread, whose environment is
 * only what its catalog entry grants (local/function-env.ts), with the function's timeout.
 * Configured by the environment the parent passes; prints "ready" once polling; stops cleanly
 * (finishing batches in flight) when the parent closes our stdin or sends SIGTERM/SIGINT;
 * the lines `pause [queue]` and `resume [queue]` on stdin stop and restart polling (answered with
 * `paused [queue]` / `resumed [queue]`); a failed invocation prints `function-error <FunctionId>`;
 * `clock <segment>` moves the consumers onto the scaled clock's next segment (local/warp-clock.cjs).
 * With `functionStart: 'on-first-use'` (the tests' stacks) a consumer's thread starts when its
 * queue first holds a message, as Lambda starts an environment for a first batch (ADR 0037).
 */
import { createInterface } from 'node:readline';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { consumerOf, type FunctionId } from '../src/catalog/functions';
import { QUEUES } from '../src/catalog/queues';
import { requireEnv } from '../src/shared/env';
import {
  startedOnFirstCall,
  type FunctionStart,
  type FunctionStartedOnFirstCall,
} from './function-on-first-call';
import { startFunctionThread, warpFunctionThreads, type FunctionThread } from './function-thread';
import { SqsPoller } from './sqs-poller';
import { FUNCTION_ERROR_LINE, WORKER_HOST_STOP_DEADLINE_MS } from './worker-protocol';
import type { ClockSegment } from './warp-clock.cjs';

export interface WorkerHostConfig {
  readonly queues: { id: string; url: string; arn: string }[];
  readonly concurrency: number;
  /** Every queue's batching window instead of the catalog's (local/sqs-poller.ts). */
  readonly batchingWindowSeconds?: number;
  /** Each consumer function's own environment. */
  readonly functionEnv: Partial<Record<FunctionId, Record<string, string>>>;
  /** Every consumer's thread with the host (default), or each on its queue's first message. */
  readonly functionStart?: FunctionStart;
}

async function main(): Promise<void> {
  const config = JSON.parse(requireEnv('WEDSYNC_WORKER_HOST')) as WorkerHostConfig;
  const region = requireEnv('AWS_REGION');
  const client = new SQSClient({
    region,
    endpoint: requireEnv('AWS_ENDPOINT_URL_SQS'),
    useQueueUrlAsEndpoint: false,
  });
  // One thread per consumer function, all started at once (loading a handler takes seconds), or
  // each on its queue's first message.
  const consumers = [...new Set(QUEUES.map((q) => consumerOf(q.id)).filter((f) => f !== undefined))];
  const startedThreads: Promise<FunctionThread>[] = [];
  const threads = new Map<FunctionId, FunctionStartedOnFirstCall>(
    consumers.map((fn): [FunctionId, FunctionStartedOnFirstCall] => {
      const env = config.functionEnv[fn.id];
      if (!env) throw new Error(`no environment for ${fn.id}`);
      const start = async () => {
        const starting = startFunctionThread(fn, env);
        startedThreads.push(starting);
        const thread = await starting;
        // Queue consumers export the raw `handleBatch` beside the middy-wrapped `handler` Lambda runs.
        if (!thread.exports.includes('handleBatch')) {
          await thread.stop();
          throw new Error(`${fn.entry} exports no handleBatch`);
        }
        return thread;
      };
      return [fn.id, startedOnFirstCall(fn.id, start)];
    }),
  );
  const onFirstMessage = config.functionStart === 'on-first-use';
  if (!onFirstMessage) await Promise.all([...threads.values()].map((thread) => thread.start()));
  const pollers = new Map<string, SqsPoller>();
  for (const definition of QUEUES) {
    const queue = config.queues.find((q) => q.id === definition.id);
    const consumerFunction = consumerOf(definition.id);
    if (!definition.consumer || !consumerFunction || !queue) continue;
    const invoke = threads.get(consumerFunction.id)!;
    const poller = new SqsPoller({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region,
      consumer: definition.consumer,
      // With the function's timeout, as Lambda ends an invocation (the batch then fails whole and
      // its messages return after the visibility timeout): without it a hung batch stayed in flight.
      handler: (event) =>
        invoke
          .invoke<SQSEvent, SQSBatchResponse | undefined>(
            'handleBatch',
            event,
            consumerFunction.timeoutSeconds * 1000,
          )
          .catch((error: unknown) => {
            // Lambda's `Errors` metric, for the local ops page (local/workers.ts reads the line).
            process.stdout.write(`${FUNCTION_ERROR_LINE}${consumerFunction.id}\n`);
            throw error;
          }),
      concurrency: config.concurrency,
      ...(config.batchingWindowSeconds !== undefined
        ? { batchingWindowSeconds: config.batchingWindowSeconds }
        : {}),
      onError: (error) => process.stderr.write(`[workers] ${definition.id}: ${(error as Error).message}\n`),
      ...(onFirstMessage ? { beforeFirstReceive: () => invoke.start() } : {}),
    });
    poller.start();
    pollers.set(definition.id, poller);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Batches in flight may finish (their messages would come back anyway, after the visibility
    // timeout), within a bound: with its parent gone, nothing else would end this process, and a
    // poller stuck on an emulator that stopped answering would keep it, and its pipes, for good.
    setTimeout(() => process.exit(1), WORKER_HOST_STOP_DEADLINE_MS).unref();
    await Promise.all([...pollers.values()].map((p) => p.stop()));
    // Threads still starting are stopped once started; a start that failed left nothing to stop.
    const started = await Promise.allSettled(startedThreads);
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    client.destroy();
    process.exit(0);
  };
  // The parent may pause and resume consumption, of every queue or of one (`pause Events`): the
  // bench measures the API alone, and the ingestion path apart from the webhook fan-out, that way.
  // `clock <segment JSON>`: the scaled clock's next segment for every consumer thread (answered `clocked`).
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.startsWith('clock ')) {
      warpFunctionThreads(JSON.parse(line.slice('clock '.length)) as ClockSegment);
      process.stdout.write('clocked\n');
      return;
    }
    const [word, queueId] = line.split(' ');
    const chosen = [...pollers].filter(([id]) => queueId === undefined || id === queueId).map(([, p]) => p);
    const answer = `${word}d${queueId ? ` ${queueId}` : ''}\n`;
    if (word === 'pause')
      void Promise.all(chosen.map((p) => p.stop())).then(() => process.stdout.write(answer));
    if (word === 'resume') {
      for (const poller of chosen) poller.start();
      process.stdout.write(answer);
    }
  });
  process.stdin.on('end', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`[workers] failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
