/**
 * The operations page's collector against the SQS emulator (fauxqs, no mock): the service's EMF
 * lines become the KPIs (other namespaces and log lines are ignored), failed invocations become
 * function errors per function, and the queues' and DLQs' depths are read from the emulator and
 * charted; an emulator that stopped answering gives "no data" for the queues, never an error.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KPI_METRICS, SERVICE_METRICS } from '../../src/catalog/metrics';
import { OpsCollector } from '../../local/ops/collector';
import { createQueues, type LocalQueue } from '../../local/resources';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import type { QueueId } from '../../src/catalog/queues';

jest.setTimeout(60_000);

let emulator: SqsEmulator;
let sqs: SQSClient;
let queues: Record<QueueId, LocalQueue>;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  ({ queues } = await createQueues(sqs, `ops-collector-${Date.now()}`));
});

afterAll(async () => {
  sqs?.destroy();
  await emulator?.stop();
});

const emf = (namespace: string, values: Record<string, number>, dimensions: Record<string, string> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['service', ...Object.keys(dimensions)]],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'wedsync',
    ...dimensions,
    ...values,
  });

it('turns the functions output, their failures and the queues into the page snapshot', async () => {
  const collector = new OpsCollector({ sqs, queues, namespace: 'WedSync' });
  try {
    collector.onOutputLine(
      emf('WedSync', {
        [SERVICE_METRICS.reviewsStored]: 2,
        [KPI_METRICS.ratingSum]: 9,
        [KPI_METRICS.rated]: 2,
        [KPI_METRICS.negative]: 0,
      }),
    );
    collector.onOutputLine(emf('WedSync', { [KPI_METRICS.reviewsByPlatform]: 2 }, { platform: 'google' }));
    collector.onOutputLine(emf('SomeoneElse', { [SERVICE_METRICS.reviewsStored]: 100 }));
    collector.onOutputLine('{"level":"INFO","message":"review stored"}');
    collector.recordFunctionError('IngestWorker');
    collector.recordFunctionError('IngestWorker');
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.Events.url, MessageBody: '{}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.Deliveries.dlqUrl, MessageBody: '{}' }));

    const snapshot = await collector.snapshot();
    expect(snapshot.kpis).toMatchObject({
      reviewsStored: 2,
      reviewsByPlatform: { google: 2 },
      averageRating: 4.5,
      negativeShare: 0,
      functionErrors: 2,
    });
    expect(snapshot.queues).toEqual(
      expect.arrayContaining([
        { queue: 'Events', depth: 1, dlqDepth: 0 },
        { queue: 'Deliveries', depth: 0, dlqDepth: 1 },
        { queue: 'Ingest', depth: 0, dlqDepth: 0 },
      ]),
    );
    expect(snapshot.queues).toHaveLength(Object.keys(queues).length);
    const chart = (prefix: string) => snapshot.charts.find((c) => c.title.startsWith(prefix))!;
    expect(chart('Function errors').lines).toEqual([
      { label: 'IngestWorker', values: expect.arrayContaining([2]) },
    ]);
    expect(
      chart('Queue depth')
        .lines.find((l) => l.label === 'Events')
        ?.values.at(-1),
    ).toBe(1);
    expect(
      chart('Dead-letter')
        .lines.find((l) => l.label === 'Deliveries DLQ')
        ?.values.at(-1),
    ).toBe(1);
    expect(snapshot.minutes).toHaveLength(snapshot.windowMinutes);
  } finally {
    collector.stop();
  }
});

it('answers "no data" for the queues when the emulator does not answer', async () => {
  const unreachable = new SQSClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9', // discard port: nothing listens
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const collector = new OpsCollector({ sqs: unreachable, queues, namespace: 'WedSync' });
  try {
    const snapshot = await collector.snapshot();
    expect(snapshot.queues).toBeNull();
    expect(snapshot.kpis.reviewsStored).toBe(0);
  } finally {
    collector.stop();
    unreachable.destroy();
  }
});
