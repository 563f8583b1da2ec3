/**
 * The Deliveries table: one item per (event, endpoint) delivery with its state and attempt log,
 * and replay jobs. Key design in src/catalog/tables.ts. A delivery costs two writes per attempt
 * (claim, outcome); the claim carries a claim id so that a repeated claim request recognises itself.
 * The outcomes of a batch go out together (`finishAttempts`): up to 25 conditional PartiQL updates
 * per BatchExecuteStatement, each with finishAttempt's condition (ADR 0022, eleventh round). The
 * event log lives in its own table (./event-log.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AttemptRecord, DeliveryState } from '../domain/webhook';
import { batchGetInOrder } from '../../shared/batch-get';
import type {
  ClaimResult,
  DeliveryStore,
  FinishedAttempt,
  FinishOutcome,
  LostAttempts,
  Page,
} from '../ports';

const deliveryKey = (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'STATE' });
const INDEX = 'byOwnerTime';

/**
 * Set by a claim to the lease it replaced (0 when there was none): a claim that takes over an
 * attempt whose lease ran out learns so in its own answer. Removed with the lease.
 */
const TAKEN_OVER = 'takenOverLeaseUntilMs';

function strip<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    expiresAt: _e,
    entity: _entity,
    [TAKEN_OVER]: _takenOver,
    ...rest
  } = item;
  return rest as T;
}

/** A claim's answer: the state, and the lease it took over when it replaced one. */
function claimed(item: Record<string, unknown>): ClaimResult {
  const takenOver = Number(item[TAKEN_OVER] ?? 0);
  return {
    ok: true,
    state: strip<DeliveryState>(item),
    ...(takenOver > 0 ? { takenOverLeaseUntilMs: takenOver } : {}),
  };
}

/**
 * Rounds of a cancel's write-read-write before it hands the delivery back to its caller: each round
 * means a claim or an outcome changed the delivery in between, which is rare; a few in a row mean a
 * busy delivery, better looked at again a second later than raced here.
 */
const CANCEL_TRIES = 4;
const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Statements per BatchExecuteStatement call (DynamoDB's limit). */
export const FINISH_BATCH_SIZE = 25;

/**
 * finishAttempt's update as a PartiQL statement: the same condition (still in flight at that
 * attempt), the record appended to the log (never the log rewritten: an erasure that scrubbed the
 * earlier responses meanwhile stays scrubbed), the lease and claim removed. A missing item fails
 * the condition, as with UpdateItem. Attribute names are DeliveryState's own keys.
 */
function finishStatement(
  tableName: string,
  finish: FinishedAttempt,
): { Statement: string; Parameters: unknown[] } {
  const sets = ['SET "attempts" = list_append("attempts", ?)'];
  const parameters: unknown[] = [[...finish.records]];
  for (const [field, value] of Object.entries(finish.next)) {
    if (value === undefined) continue;
    sets.push(`SET "${field}" = ?`);
    parameters.push(value);
  }
  parameters.push(deliveryKey(finish.deliveryId).pk, 'STATE', finish.attempt, 'in-flight');
  return {
    Statement:
      `UPDATE "${tableName}" ${sets.join(' ')} REMOVE "leaseUntilMs" REMOVE "claimId" REMOVE "${TAKEN_OVER}" ` +
      'WHERE "pk" = ? AND "sk" = ? AND "attempt" = ? AND "status" = ?',
    Parameters: parameters,
  };
}

/** `if_not_exists` assignments that create a delivery item from its initial state. */
function creationSets(initial: DeliveryState, expiresAtSeconds: number) {
  const fields: Record<string, unknown> = {
    entity: 'delivery',
    gsi1pk: `DELIVERIES#${initial.endpointId}`,
    gsi1sk: `${new Date(initial.createdAtMs).toISOString()}#${initial.deliveryId}`,
    deliveryId: initial.deliveryId,
    supplierId: initial.supplierId,
    endpointId: initial.endpointId,
    eventId: initial.eventId,
    eventType: initial.eventType,
    attempt: initial.attempt,
    roundStart: initial.roundStart,
    dueAtMs: initial.dueAtMs,
    createdAtMs: initial.createdAtMs,
    attempts: [],
    expiresAt: expiresAtSeconds,
    ...(initial.replayJobId ? { replayJobId: initial.replayJobId } : {}),
    ...(initial.correlationId ? { correlationId: initial.correlationId } : {}),
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([name, value]) => {
    names[`#c_${name}`] = name;
    values[`:c_${name}`] = value;
    return `#c_${name} = if_not_exists(#c_${name}, :c_${name})`;
  });
  return { sets, names, values };
}

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getDelivery(deliveryId: string): Promise<DeliveryState | undefined> {
    const item = await this.readItem(deliveryId);
    return item ? strip<DeliveryState>(item) : undefined;
  }

  private async readItem(deliveryId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: deliveryKey(deliveryId), ConsistentRead: true }),
    );
    return Item;
  }

  async claim(
    initial: DeliveryState,
    nowMs: number,
    leaseUntilMs: number,
    expiresAtSeconds: number,
    claimId: string,
  ): Promise<ClaimResult> {
    const create = creationSets(initial, expiresAtSeconds);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(initial.deliveryId),
          // The right-hand sides read the item as it was: the lease replaced, if any.
          UpdateExpression: `SET ${[...create.sets, `${TAKEN_OVER} = if_not_exists(leaseUntilMs, :noLease)`, '#status = :inflight', 'leaseUntilMs = :lease', 'claimId = :claim'].join(', ')}`,
          ConditionExpression:
            '(attribute_not_exists(pk) AND :attempt = :roundStart) OR ' +
            '(#attempt = :attempt AND (#status = :pending OR (#status = :inflight AND leaseUntilMs < :now)))',
          ExpressionAttributeNames: { ...create.names, '#status': 'status', '#attempt': 'attempt' },
          ExpressionAttributeValues: {
            ...create.values,
            ':inflight': 'in-flight',
            ':pending': 'pending',
            ':lease': leaseUntilMs,
            ':claim': claimId,
            ':noLease': 0,
            ':attempt': initial.attempt,
            ':roundStart': initial.roundStart,
            ':now': nowMs,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return claimed(Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = await this.readItem(initial.deliveryId);
      const current = item ? strip<DeliveryState>(item) : undefined;
      // Our own claim: the SDK repeated a request whose answer was lost (a timeout) after it was
      // applied. Taking that for a duplicate dropped the message and left the delivery in flight
      // with nothing to resume it.
      if (
        current?.status === 'in-flight' &&
        current.claimId === claimId &&
        current.attempt === initial.attempt
      ) {
        return claimed(item!);
      }
      return current ? { ok: false, current } : { ok: false };
    }
  }

  async finishAttempt(
    deliveryId: string,
    attempt: number,
    next: Partial<DeliveryState>,
    records: readonly AttemptRecord[],
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#status': 'status',
      '#attempt': 'attempt',
      '#attempts': 'attempts',
    };
    const values: Record<string, unknown> = {
      ':expectedAttempt': attempt,
      ':expectedStatus': 'in-flight',
      ':record': [...records],
    };
    const sets = ['#attempts = list_append(#attempts, :record)'];
    for (const [field, value] of Object.entries(next)) {
      if (value === undefined) continue;
      names[`#f_${field}`] = field;
      values[`:f_${field}`] = value;
      sets.push(`#f_${field} = :f_${field}`);
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntilMs, claimId, ${TAKEN_OVER}`,
          ConditionExpression: '#attempt = :expectedAttempt AND #status = :expectedStatus',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async finishAttempts(finishes: readonly FinishedAttempt[]): Promise<FinishOutcome[]> {
    const outcomes: FinishOutcome[] = [];
    const chunks: { start: number; items: readonly FinishedAttempt[] }[] = [];
    for (let start = 0; start < finishes.length; start += FINISH_BATCH_SIZE) {
      chunks.push({ start, items: finishes.slice(start, start + FINISH_BATCH_SIZE) });
    }
    // One finish the batch could not settle (a call that failed whole, or a statement that failed
    // for another reason than its condition) is written on its own, with the SDK's retries.
    const alone = async (finish: FinishedAttempt): Promise<FinishOutcome> => {
      try {
        const written = await this.finishAttempt(
          finish.deliveryId,
          finish.attempt,
          finish.next,
          finish.records,
        );
        return { ok: true, written };
      } catch (error) {
        return { ok: false, error };
      }
    };
    await Promise.all(
      chunks.map(async ({ start, items }) => {
        let responses;
        try {
          ({ Responses: responses } = await this.client.send(
            new BatchExecuteStatementCommand({
              Statements: items.map((finish) => finishStatement(this.tableName, finish)),
            }),
          ));
        } catch {
          responses = undefined;
        }
        await Promise.all(
          items.map(async (finish, index) => {
            const error = responses?.[index]?.Error;
            outcomes[start + index] =
              responses && responses[index] && !error
                ? { ok: true, written: true }
                : error?.Code === 'ConditionalCheckFailed'
                  ? { ok: true, written: false }
                  : await alone(finish);
          }),
        );
      }),
    );
    return outcomes;
  }

  async defer(initial: DeliveryState, dueAtMs: number, expiresAtSeconds: number): Promise<void> {
    const create = creationSets(initial, expiresAtSeconds);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(initial.deliveryId),
          UpdateExpression: `SET ${[...create.sets.filter((s) => !s.startsWith('#c_dueAtMs')), '#status = if_not_exists(#status, :pending)', '#due = :due'].join(', ')}`,
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND #attempt = :attempt)',
          ExpressionAttributeNames: {
            ...Object.fromEntries(Object.entries(create.names).filter(([k]) => k !== '#c_dueAtMs')),
            '#status': 'status',
            '#attempt': 'attempt',
            '#due': 'dueAtMs',
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(Object.entries(create.values).filter(([k]) => k !== ':c_dueAtMs')),
            ':pending': 'pending',
            ':due': dueAtMs,
            ':attempt': initial.attempt,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async cancel(
    initial: DeliveryState,
    reason: string,
    nowMs: number,
    expiresAtSeconds: number,
    lostAttempts: LostAttempts,
  ): Promise<number | undefined> {
    const create = creationSets(initial, expiresAtSeconds);
    const cancelled = {
      sets: ['#status = :cancelled', 'reason = :reason', 'finishedAtMs = :now'],
      values: { ':cancelled': 'cancelled', ':reason': reason, ':now': nowMs },
      // Whatever claim held it is over: its lease, claim id and the lease it had taken over go.
      remove: `REMOVE leaseUntilMs, claimId, ${TAKEN_OVER}`,
    };
    for (let tries = 1; ; tries++) {
      // The common case, one write: new, or waiting (for its next attempt or for the breaker).
      if (
        await this.conditionally({
          TableName: this.tableName,
          Key: deliveryKey(initial.deliveryId),
          UpdateExpression: `SET ${[...create.sets, ...cancelled.sets].join(', ')} ${cancelled.remove}`,
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
          ExpressionAttributeNames: { ...create.names, '#status': 'status' },
          ExpressionAttributeValues: { ...create.values, ...cancelled.values, ':pending': 'pending' },
        })
      )
        return undefined;
      // Ended already, or an attempt holds it (a read only on this rare path).
      const item = await this.readItem(initial.deliveryId);
      const current = item ? strip<DeliveryState>(item) : undefined;
      if (current?.status === 'pending') {
        // Its attempt ended meanwhile: cancel it now, unless the state keeps changing under us.
        if (tries >= CANCEL_TRIES) return nowMs;
        continue;
      }
      if (current?.status !== 'in-flight' || current.leaseUntilMs === undefined) return undefined;
      if (current.leaseUntilMs >= nowMs) return current.leaseUntilMs;
      // In flight past its lease: its worker died (or its claim's answer was lost) and nobody will
      // finish it. Cancelled with the record of that lost attempt (its POST may have gone out),
      // on the condition that no claim took it over since the read.
      const takenOver = Number(item![TAKEN_OVER] ?? 0);
      const records = lostAttempts(current.attempt, {
        leaseUntilMs: current.leaseUntilMs,
        ...(takenOver > 0 ? { takenOverLeaseUntilMs: takenOver } : {}),
      });
      if (
        await this.conditionally({
          TableName: this.tableName,
          Key: deliveryKey(initial.deliveryId),
          UpdateExpression: `SET ${[...cancelled.sets, '#attempts = list_append(#attempts, :lost)'].join(', ')} ${cancelled.remove}`,
          ConditionExpression: '#status = :inflight AND #attempt = :attempt AND leaseUntilMs = :lease',
          ExpressionAttributeNames: { '#status': 'status', '#attempt': 'attempt', '#attempts': 'attempts' },
          ExpressionAttributeValues: {
            ...cancelled.values,
            ':lost': [...records],
            ':inflight': 'in-flight',
            ':attempt': current.attempt,
            ':lease': current.leaseUntilMs,
          },
        })
      )
        return undefined;
      // Claimed (or finished) between the read and the write: look again, a few times here, then
      // as a hop (the caller looks again at `nowMs`), so that a busy delivery never holds us.
      if (tries >= CANCEL_TRIES) return nowMs;
    }
  }

  /** An update; false when its condition failed. */
  private async conditionally(input: UpdateCommandInput): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async restart(
    deliveryId: string,
    expectedAttempt: number,
    nextAttempt: number,
    dueAtMs: number,
    replayJobId?: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression: replayJobId
            ? 'SET #status = :pending, attempt = :next, roundStart = :next, dueAtMs = :due, replayJobId = :job REMOVE reason, finishedAtMs, leaseUntilMs, claimId, ' +
              TAKEN_OVER
            : 'SET #status = :pending, attempt = :next, roundStart = :next, dueAtMs = :due REMOVE reason, finishedAtMs, leaseUntilMs, claimId, ' +
              TAKEN_OVER,
          ConditionExpression: 'attempt = :expected AND NOT #status IN (:pending, :inflight)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':inflight': 'in-flight',
            ':next': nextAttempt,
            ':due': dueAtMs,
            ':expected': expectedAttempt,
            ...(replayJobId ? { ':job': replayJobId } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listDeliveries(
    endpointId: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<DeliveryState>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `DELIVERIES#${endpointId}` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    // The index holds keys only (ADR 0032): the page's states are read by key.
    const items = await batchGetInOrder(
      this.client,
      this.tableName,
      (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
      ['pk', 'sk'],
    );
    return {
      items: items.map((item) => strip<DeliveryState>(item)),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }
}
