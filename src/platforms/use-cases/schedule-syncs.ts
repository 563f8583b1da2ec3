/**
 * The sync schedule (every 5 minutes, EventBridge rule in AWS, a timer locally):
 * 1. Page through the active connections.
 * 2. For each chosen location: record it in the location directory (inbound notifications find
 *    their connections there); enqueue an incremental sync unless one is still paging; once its
 *    daily slot has come, claim the day's full sweep (one claim wins per location and day) and
 *    enqueue it.
 * Each run has its own correlation id per location, so the audit log groups a sync's calls.
 */
import type { Clock } from '../../shared/clock';
import type { SyncMessage } from '../domain/connection';
import { fullSweepDue, incrementalInProgress, startSync } from '../domain/sync-plan';
import type { ConnectionStore, SyncQueue } from '../ports';
import type { LocationDirectory, SyncLedger } from '../sync-ports';

export interface ScheduleSyncsDeps {
  readonly connections: ConnectionStore;
  readonly ledger: Pick<SyncLedger, 'claimDailySweep'>;
  readonly directory: Pick<LocationDirectory, 'record'>;
  readonly queue: SyncQueue;
  readonly clock: Clock;
  readonly newId: () => string;
}

export interface ScheduleSummary {
  readonly connections: number;
  readonly incremental: number;
  readonly full: number;
  readonly skippedInProgress: number;
}

const PAGE_SIZE = 100;

export async function scheduleSyncs(deps: ScheduleSyncsDeps): Promise<ScheduleSummary> {
  const now = deps.clock.now();
  const day = now.toISOString().slice(0, 10);
  let cursor: Record<string, unknown> | undefined;
  const summary = { connections: 0, incremental: 0, full: 0, skippedInProgress: 0 };
  do {
    const page = await deps.connections.listActive(PAGE_SIZE, cursor);
    const messages: SyncMessage[] = [];
    for (const connection of page.items) {
      if (connection.status !== 'active') continue;
      summary.connections += 1;
      for (const location of connection.locations) {
        await deps.directory.record(connection.platform, location.locationId, {
          connectionId: connection.connectionId,
          supplierId: connection.supplierId,
        });
        if (incrementalInProgress(location, now.getTime())) summary.skippedInProgress += 1;
        else {
          messages.push(startSync(connection, location, 'incremental', deps.newId(), now));
          summary.incremental += 1;
        }
        if (
          fullSweepDue(connection.connectionId, location.locationId, now) &&
          (await deps.ledger.claimDailySweep(connection.connectionId, location.locationId, day))
        ) {
          messages.push(startSync(connection, location, 'full', deps.newId(), now));
          summary.full += 1;
        }
      }
    }
    await deps.queue.send(messages.map((message) => ({ message })));
    cursor = page.next;
  } while (cursor);
  return summary;
}
