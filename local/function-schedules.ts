/**
 * The local stand-in for the EventBridge rules of the catalog's scheduled functions (issue 9,
 * `FunctionDefinition.schedule`): each runs its `handleSchedule` in its own function thread (only
 * its catalog environment) every period, with an EventBridge-shaped event, one run at a time; a
 * failed run is logged and the next period tries again. Functions scheduled in the primary
 * region only run only in the primary region's stack. (SyncScheduler keeps local/sync-schedule.ts.)
 */
import { FUNCTIONS, type FunctionDefinition, type FunctionId } from '../src/catalog/functions';
import { startFunctionThread } from './function-thread';
import { scheduledEvent } from './sync-schedule';

export interface LocalFunctionSchedules {
  /** Runs one scheduled function now (also what its timer does); its handler's answer. */
  runOnce(id: FunctionId): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startFunctionSchedules(options: {
  readonly functionEnv: (definition: FunctionDefinition) => Record<string, string>;
  readonly region: string;
  readonly isPrimaryRegion: boolean;
  readonly log: (line: string) => void;
}): Promise<LocalFunctionSchedules> {
  const scheduled = FUNCTIONS.filter(
    (f) => f.schedule && (f.schedule.regions === 'every' || options.isPrimaryRegion),
  );
  const runners = new Map<FunctionId, { runOnce: () => Promise<unknown>; stop: () => Promise<void> }>();
  try {
    for (const definition of scheduled) {
      const thread = await startFunctionThread(definition, options.functionEnv(definition));
      let running: Promise<unknown> | undefined;
      const runOnce = () =>
        (running ??= thread
          .invoke('handleSchedule', scheduledEvent(options.region))
          .finally(() => (running = undefined)));
      const timer = setInterval(() => {
        runOnce().catch((error: unknown) =>
          options.log(`${definition.id} schedule: ${(error as Error).message}`),
        );
      }, definition.schedule!.everyMinutes * 60_000);
      timer.unref();
      runners.set(definition.id, {
        runOnce,
        async stop() {
          clearInterval(timer);
          await running?.catch(() => undefined);
          await thread.stop();
        },
      });
    }
  } catch (error) {
    await Promise.all([...runners.values()].map((r) => r.stop()));
    throw error;
  }
  return {
    runOnce(id) {
      const runner = runners.get(id);
      if (!runner) return Promise.reject(new Error(`${id} has no schedule in this region`));
      return runner.runOnce();
    },
    async stop() {
      await Promise.all([...runners.values()].map((r) => r.stop()));
    },
  };
}
