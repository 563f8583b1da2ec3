/**
 * The PagingCheck handler (issue 10) through the real SNS adapter, whose client is an
 * aws-sdk-client-mock (no SNS emulator exists here): per topic, the pending and confirmed counts as
 * one EMF line each with the `topic` dimension; a topic SNS cannot answer for gets no figure (never
 * a 0) and the invocation fails, so the function's error alarm reports the check as blind.
 */
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ALARM_TOPIC_ARN_ENV } from '../../../src/catalog/function-env';
import { ALARM_TOPIC_DIMENSION, SERVICE_METRICS } from '../../../src/catalog/metrics';

type CheckModule = typeof import('../../../functions/paging-check/handler');
type SnsModule = typeof import('@aws-sdk/client-sns');

const CRITICAL = 'arn:aws:sns:us-east-1:111122223333:WedSync-Service-us-east-1-OnCallTopic-AbC';
const WARNING = 'arn:aws:sns:us-east-1:111122223333:WedSync-Service-us-east-1-WarningsTopic-DeF';
const PENDING = SERVICE_METRICS.alarmSubscriptionsPending;
const CONFIRMED = SERVICE_METRICS.alarmSubscriptionsConfirmed;

const saved = { ...process.env };
let check: CheckModule;
// The SDK as the handler's isolated module registry loads it: the mock must stub that class.
let sdk: SnsModule;
let sns: AwsClientStub<InstanceType<SnsModule['SNSClient']>>;
beforeAll(() => {
  // Metrics on and not in dev mode (test/setup-env.ts turns them off), before the singletons exist.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  process.env[ALARM_TOPIC_ARN_ENV.critical] = CRITICAL;
  process.env[ALARM_TOPIC_ARN_ENV.warning] = WARNING;
  jest.isolateModules(() => {
    sdk = jest.requireActual<SnsModule>('@aws-sdk/client-sns');
    sns = mockClient(sdk.SNSClient);
    check = jest.requireActual<CheckModule>('../../../functions/paging-check/handler');
  });
});
afterEach(() => sns.reset());
afterAll(() => {
  sns.restore();
  process.env = { ...saved };
});

const event = { 'detail-type': 'Scheduled Event', id: 'e1' } as unknown as ScheduledEvent;

function attributesOf(arn: string, pending: string, confirmed: string): void {
  sns.on(sdk.GetTopicAttributesCommand, { TopicArn: arn }).resolves({
    Attributes: { TopicArn: arn, SubscriptionsPending: pending, SubscriptionsConfirmed: confirmed },
  });
}

/** The EMF lines printed while `run` ran, and what it returned or threw. */
async function emfOf(
  run: () => Promise<unknown>,
): Promise<{ lines: Record<string, unknown>[]; error?: Error }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  let error: Error | undefined;
  try {
    await run();
  } catch (e) {
    error = e as Error;
  } finally {
    spy.mockRestore();
  }
  const lines = chunks
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, ...(error ? { error } : {}) };
}

/** Each (metric, topic) figure of the lines, and how many lines carried it. */
function figures(lines: readonly Record<string, unknown>[]): Record<string, number[]> {
  const found: Record<string, number[]> = {};
  for (const line of lines) {
    for (const name of [PENDING, CONFIRMED]) {
      if (name in line)
        (found[`${name}/${String(line[ALARM_TOPIC_DIMENSION])}`] ??= []).push(line[name] as number);
    }
  }
  return found;
}

it('publishes each topic’s pending and confirmed counts once, with its topic, and asks SNS about the two ARNs only', async () => {
  attributesOf(CRITICAL, '0', '1');
  attributesOf(WARNING, '2', '3');
  const { lines, error } = await emfOf(() => check.handleCheck(event));
  expect(error).toBeUndefined();
  expect(figures(lines)).toEqual({
    [`${PENDING}/critical`]: [0],
    [`${CONFIRMED}/critical`]: [1],
    [`${PENDING}/warning`]: [2],
    [`${CONFIRMED}/warning`]: [3],
  });
  for (const line of lines) expect(line.service).toBeDefined();
  const asked = sns.commandCalls(sdk.GetTopicAttributesCommand).map((c) => c.args[0].input.TopicArn);
  expect(asked.sort()).toEqual([CRITICAL, WARNING].sort());
});

it('reports a topic with none confirmed as 0 confirmed (a real answer, not an error)', async () => {
  attributesOf(CRITICAL, '1', '0');
  attributesOf(WARNING, '0', '2');
  const { lines, error } = await emfOf(() => check.handleCheck(event));
  expect(error).toBeUndefined();
  expect(figures(lines)).toMatchObject({ [`${PENDING}/critical`]: [1], [`${CONFIRMED}/critical`]: [0] });
});

it('fails on an SNS error and publishes no figure for that topic (never a 0), the other topic’s still', async () => {
  attributesOf(CRITICAL, '0', '1');
  sns.on(sdk.GetTopicAttributesCommand, { TopicArn: WARNING }).rejects(
    Object.assign(new Error('User is not authorized to perform: SNS:GetTopicAttributes'), {
      name: 'AuthorizationError',
    }),
  );
  const { lines, error } = await emfOf(() => check.handleCheck(event));
  expect(error?.message).toMatch(/could not read warning/);
  expect(figures(lines)).toEqual({ [`${PENDING}/critical`]: [0], [`${CONFIRMED}/critical`]: [1] });
});

it('fails on an answer without its counts, with no figure for that topic', async () => {
  attributesOf(CRITICAL, '0', '1');
  sns
    .on(sdk.GetTopicAttributesCommand, { TopicArn: WARNING })
    .resolves({ Attributes: { TopicArn: WARNING } });
  const { lines, error } = await emfOf(() => check.handleCheck(event));
  expect(error?.message).toMatch(/could not read warning/);
  expect(Object.keys(figures(lines)).filter((k) => k.endsWith('/warning'))).toEqual([]);
});
