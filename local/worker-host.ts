/**
 * The queue consumers of the local mode, in their own process (as Lambda runs them apart from
 * the API): one SqsPoller per catalogued queue consumer, calling the same worker handlers.
 * Configured by the environment the parent passes; prints "ready" once polling; stops cleanly
 * (finishing batches in flight) when the parent closes our stdin or sends SIGTERM/SIGINT;
 * the lines `pause [queue]` and `resume [queue]` on stdin stop and restart polling (answered with
 * `paused [queue]` / `resumed [queue]`).
 */
import { createInterface } from 'node:readline';
import { SQSClient } from '@aws-sdk/client-sqs';
import { consumerOf, functionDefinition, type FunctionId } from '../src/catalog/functions';
import { QUEUES } from '../src/catalog/queues';
import { join } from 'node:path';
import { REPO_ROOT } from './processes';
import { requireEnv } from '../src/shared/env';
import { SqsPoller, type SqsHandler } from './sqs-poller';

export interface WorkerHostConfig {
  readonly queues: { id: string; url: string; arn: string }[];
  readonly concurrency: number;
}

/** Queue consumers export the raw `handleBatch` beside the middy-wrapped `handler` Lambda runs. */
async function loadBatchHandler(functionId: FunctionId): Promise<SqsHandler> {
  const module = (await import(join(REPO_ROOT, functionDefinition(functionId).entry))) as {
    handleBatch?: SqsHandler;
  };
  if (!module.handleBatch) throw new Error(`${functionDefinition(functionId).entry} exports no handleBatch`);
  return module.handleBatch;
}

async function main(): Promise<void> {
  const config = JSON.parse(requireEnv('WEDSYNC_WORKER_HOST')) as WorkerHostConfig;
  const region = requireEnv('AWS_REGION');
  const client = new SQSClient({
    region,
    endpoint: requireEnv('AWS_ENDPOINT_URL_SQS'),
    useQueueUrlAsEndpoint: false,
  });
  const pollers = new Map<string, SqsPoller>();
  for (const definition of QUEUES) {
    const queue = config.queues.find((q) => q.id === definition.id);
    const consumerFunction = consumerOf(definition.id);
    if (!definition.consumer || !consumerFunction || !queue) continue;
    const poller = new SqsPoller({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region,
      consumer: definition.consumer,
      handler: await loadBatchHandler(consumerFunction.id),
      concurrency: config.concurrency,
      onError: (error) => process.stderr.write(`[workers] ${definition.id}: ${(error as Error).message}\n`),
    });
    poller.start();
    pollers.set(definition.id, poller);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([...pollers.values()].map((p) => p.stop()));
    client.destroy();
    process.exit(0);
  };
  // The parent may pause and resume consumption, of every queue or of one (`pause Events`): the
  // bench measures the API alone, and the ingestion path apart from the webhook fan-out, that way.
  createInterface({ input: process.stdin }).on('line', (line) => {
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
