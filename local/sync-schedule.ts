/**
 * The local stand-in for the EventBridge rule (issue 8): every SCHEDULE_PERIOD_MINUTES the
 * SyncScheduler's handler runs in its own function thread (only its catalog environment), with a
 * scheduled-event shaped like EventBridge's. One run at a time; a failed run is logged, and the
 * next period tries again, as EventBridge would.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { functionDefinition } from '../src/catalog/functions';
import { SCHEDULE_PERIOD_MINUTES } from '../src/platforms/domain/sync-plan';
import { startFunctionThread } from './function-thread';

export interface LocalSyncSchedule {
  /** Runs the scheduler now (also what the timer does). */
  runOnce(): Promise<unknown>;
  stop(): Promise<void>;
}

export function scheduledEvent(region: string, now = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: now.toISOString(),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/local-sync-schedule`],
    detail: {},
  };
}

export async function startSyncSchedule(
  env: Record<string, string>,
  region: string,
  log: (line: string) => void,
  periodMs = SCHEDULE_PERIOD_MINUTES * 60_000,
): Promise<LocalSyncSchedule> {
  const definition = functionDefinition('SyncScheduler');
  const thread = await startFunctionThread(definition, env);
  let running: Promise<unknown> | undefined;
  const runOnce = () =>
    (running ??= thread
      .invoke('handleSchedule', scheduledEvent(region))
      .finally(() => (running = undefined)));
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => log(`sync schedule: ${(error as Error).message}`));
  }, periodMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await thread.stop();
    },
  };
}
