/**
 * Reads the platform circuit breakers for the health view. The breakers themselves are run by the
 * sync and reply workers with the shared breaker (src/webhooks circuit-breaker) on the table
 * `PlatformBreakers`, keyed pk=PLATFORM#<platform>, with the item shape DynamoBreakerStore writes
 * (`state`: the breaker state as JSON, `status`, `version`). Read only: never changes a breaker.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BreakerState } from '../../webhooks';
import type { BreakerView } from '../domain/health';
import type { ConnectedPlatform } from '../domain/platform';
import type { BreakerStates } from '../audit-ports';

export class DynamoBreakerStates implements BreakerStates {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async get(platform: ConnectedPlatform): Promise<BreakerView> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `PLATFORM#${platform}` } }),
    );
    // No item: the breaker never left its initial state.
    if (!Item) return { status: 'closed' };
    return breakerView(Item.state, this.nowMs());
  }
}

/** The view of a stored breaker state; a state this code cannot read is `unknown`, never an error. */
export function breakerView(rawState: unknown, nowMs: number): BreakerView {
  let state: Partial<BreakerState>;
  try {
    state = JSON.parse(String(rawState)) as Partial<BreakerState>;
  } catch {
    return { status: 'unknown' };
  }
  switch (state.status) {
    case 'closed':
      return { status: 'closed' };
    case 'half-open':
      return { status: 'half-open' };
    case 'open':
    case 'disabled': {
      const until = typeof state.openUntilMs === 'number' ? state.openUntilMs : undefined;
      // Past its cool-down the next call is the probe: half-open in effect.
      if (state.status === 'open' && until !== undefined && until <= nowMs) return { status: 'half-open' };
      return until !== undefined
        ? { status: 'open', openUntil: new Date(until).toISOString() }
        : { status: 'open' };
    }
    default:
      return { status: 'unknown' };
  }
}
