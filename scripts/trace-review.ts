/**
 * `npm run cli -- trace <reviewId> [--supplier-id <id>]`: a review's journey, from what the
 * system stores (never from logs: in AWS those are CloudWatch's job), in time order, each step
 * with its correlation id.
 * 1. The review item (Reviews table): submitted (receivedAt), inference, removal.
 * 2. Its audit entries (same partition, `AUDIT#<reviewId>#...`): stored, each edit.
 * 3. The event log (EventLog table through its repository, the supplier's events since the review
 *    arrived): its events.
 * 4. For every event and every endpoint of the supplier: the delivery and each of its attempts.
 * Without `--supplier-id` the review is found with a Scan of the Reviews table (an operator's
 * tool, not a request path; give the supplier to make it one GetItem).
 */
import { GetCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deliveryIdFor, type LoggedEvent } from '../src/webhooks';
import { DynamoEventLog } from '../src/webhooks/adapters/event-log';

export interface TraceTables {
  readonly reviews: string;
  readonly deliveries: string;
  readonly eventLog: string;
  readonly endpoints: string;
}

export interface JourneyStep {
  readonly at: string;
  readonly step: string;
  readonly detail: string;
  readonly correlationId?: string;
}

type Item = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const isoOfMs = (value: unknown): string | undefined =>
  typeof value === 'number' ? new Date(value).toISOString() : undefined;
const cid = (item: Item): { correlationId?: string } =>
  typeof item.correlationId === 'string' ? { correlationId: item.correlationId } : {};

/** The steps of a review's records, oldest first (stable for equal times: record order). */
export function journeyOf(records: {
  review: Item;
  audit: readonly Item[];
  events: readonly Item[];
  deliveries: readonly Item[];
}): JourneyStep[] {
  const { review } = records;
  const steps: JourneyStep[] = [];
  const add = (at: string | undefined, step: string, detail: string, item: Item) => {
    if (at) steps.push({ at, step, detail, ...cid(item) });
  };
  const actor = review.actor as { kind?: string } | undefined;
  add(
    str(review.receivedAt),
    'submitted',
    `platform ${String(review.platform)}, rating ${String(review.rating)}, by ${actor?.kind ?? 'unknown'}`,
    review,
  );
  for (const entry of records.audit) {
    const action = str(entry.action) ?? 'audit';
    const step = action === 'review.created' ? 'stored' : action === 'review.updated' ? 'edited' : action;
    const version = typeof entry.version === 'number' ? ` v${entry.version}` : '';
    add(str(entry.at), step, `${action}${version} (audit, region ${String(entry.region ?? '?')})`, entry);
  }
  const insights = review.insights as
    | { status?: string; pendingReason?: string; sentiment?: { label?: string; modelVersion?: string } }
    | undefined;
  // Inference runs in the ingest worker before the store, or later from InferenceRetry; the
  // item keeps its result, not its time: shown at the store time.
  if (insights?.status === 'done') {
    const sentiment = insights.sentiment
      ? `sentiment ${String(insights.sentiment.label)} (${String(insights.sentiment.modelVersion)})`
      : 'no sentiment';
    add(str(review.storedAt), 'inferred', sentiment, review);
  } else if (insights?.status === 'pending') {
    add(str(review.storedAt), 'inference pending', insights.pendingReason ?? 'queued for retry', review);
  }
  add(str(review.removedAt), 'removed', 'removed on its platform', review);
  for (const event of records.events) {
    add(
      isoOfMs(event.loggedAtMs) ?? str(event.time),
      'event',
      `${String(event.eventType)} ${String(event.eventId)}`,
      event,
    );
  }
  for (const delivery of records.deliveries) {
    const attempts = Array.isArray(delivery.attempts) ? (delivery.attempts as Item[]) : [];
    for (const attempt of attempts) {
      const outcome = String(attempt.outcome);
      const status = typeof attempt.statusCode === 'number' ? ` HTTP ${attempt.statusCode}` : '';
      add(
        str(attempt.at),
        outcome === 'success' ? 'delivered' : `delivery ${outcome}`,
        `${String(delivery.eventType)} to ${String(delivery.endpointId)} attempt ${String(attempt.attempt)}${status}; next: ${String(attempt.next)}`,
        delivery,
      );
    }
    if (attempts.length === 0) {
      add(
        isoOfMs(delivery.createdAtMs),
        `delivery ${String(delivery.status)}`,
        `${String(delivery.eventType)} to ${String(delivery.endpointId)} (no attempt yet)`,
        delivery,
      );
    }
  }
  return steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => (a.step.at === b.step.at ? a.index - b.index : a.step.at < b.step.at ? -1 : 1))
    .map(({ step }) => step);
}

/** One line per step: time, step, correlation id, detail. */
export function formatJourney(reviewId: string, supplierId: string, steps: readonly JourneyStep[]): string[] {
  return [
    `review ${reviewId} (supplier ${supplierId}): ${steps.length} steps`,
    ...steps.map((s) => `${s.at}  ${s.step.padEnd(18)} [${s.correlationId ?? '-'}]  ${s.detail}`),
  ];
}

async function findReview(
  client: DynamoDBDocumentClient,
  table: string,
  reviewId: string,
  supplierId: string | undefined,
): Promise<Item | undefined> {
  if (supplierId !== undefined) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: { pk: `SUPPLIER#${supplierId}`, sk: `REVIEW#${reviewId}` } }),
    );
    return Item;
  }
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': `REVIEW#${reviewId}` },
        ExclusiveStartKey: start,
      }),
    );
    if (page.Items?.[0]) return page.Items[0];
    start = page.LastEvaluatedKey;
  } while (start);
  return undefined;
}

async function queryAll(
  client: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
) {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const isAbout = (event: Item, reviewId: string): boolean => {
  try {
    const body = JSON.parse(String(event.body)) as { subject?: unknown; data?: { reviewId?: unknown } };
    return body.subject === reviewId || body.data?.reviewId === reviewId;
  } catch {
    return false;
  }
};

/** The review's records, or undefined when no review has this id. */
export async function traceReview(
  client: DynamoDBDocumentClient,
  tables: TraceTables,
  reviewId: string,
  supplierId?: string,
): Promise<{ supplierId: string; steps: JourneyStep[] } | undefined> {
  const review = await findReview(client, tables.reviews, reviewId, supplierId);
  if (!review || review.entity !== 'review') return undefined;
  const owner = String(review.supplierId);
  const audit = await queryAll(client, {
    TableName: tables.reviews,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `SUPPLIER#${owner}`, ':prefix': `AUDIT#${reviewId}#` },
  });
  const eventLog = new DynamoEventLog(client, tables.eventLog);
  const logged: LoggedEvent[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await eventLog.eventsSince(owner, String(review.receivedAt), 100, cursor);
    logged.push(...page.items);
    cursor = page.next;
  } while (cursor);
  const events = logged.map((event): Item => ({ ...event })).filter((event) => isAbout(event, reviewId));
  const endpoints = await queryAll(client, {
    TableName: tables.endpoints,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `SUPPLIER#${owner}`, ':prefix': 'ENDPOINT#' },
  });
  const deliveries: Item[] = [];
  for (const event of events) {
    for (const endpoint of endpoints) {
      const endpointId = String(endpoint.sk).slice('ENDPOINT#'.length);
      const deliveryId = deliveryIdFor(String(event.eventId), endpointId);
      const { Item } = await client.send(
        new GetCommand({ TableName: tables.deliveries, Key: { pk: `DELIVERY#${deliveryId}`, sk: 'STATE' } }),
      );
      if (Item) deliveries.push(Item);
    }
  }
  return { supplierId: owner, steps: journeyOf({ review, audit, events, deliveries }) };
}
