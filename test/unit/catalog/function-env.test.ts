/**
 * One-writer tables (ADR 0017): the functions that write the RealtimeLog learn its writer region
 * from their environment, readers do not, and a deployment that names no writer region sets none
 * (the wiring then writes to its own region's replica).
 */
import { FUNCTIONS, functionDefinition } from '../../../src/catalog/functions';
import { environmentFor, type ResourceNames } from '../../../src/catalog/function-env';
import { tableDefinition } from '../../../src/catalog/tables';
import { REALTIME_HOME_REGION_ENV } from '../../../src/wiring';

const names: ResourceNames = {
  table: (id) => `table-${id}`,
  queue: (id) => `queue-${id}`,
  deadLetterQueue: (id) => `dlq-${id}`,
  secret: (id) => `secret-${id}`,
  emailSender: () => ({ fromAddress: 'a@b.c', configurationSetName: 'set' }),
  setting: (id) => `setting-${id}`,
  key: (id) => `key-${id}`,
  bucket: (id) => `bucket-${id}`,
  webSocketManagementEndpoint: () => 'https://ws.example',
};

describe('environmentFor and the RealtimeLog writer region', () => {
  const home = tableDefinition('RealtimeLog').writerRegionEnvVar!;

  it('is the variable the wiring reads', () => {
    expect(home).toBe(REALTIME_HOME_REGION_ENV);
  });

  it('is set for every writer of the log and for no reader', () => {
    const withRegion = { ...names, writerRegion: () => 'eu-west-1' };
    const writers = FUNCTIONS.filter((f) => f.tables.RealtimeLog && f.tables.RealtimeLog !== 'read');
    expect(writers.length).toBeGreaterThan(0);
    for (const fn of FUNCTIONS) {
      const env = environmentFor(fn, withRegion);
      expect({ fn: fn.id, region: env[home] }).toEqual({
        fn: fn.id,
        region: writers.includes(fn) ? 'eu-west-1' : undefined,
      });
    }
    expect(environmentFor(functionDefinition('RealtimeFanout'), withRegion)[home]).toBeUndefined();
  });

  it('is left unset when the deployment names no writer region', () => {
    for (const fn of FUNCTIONS) expect(environmentFor(fn, names)[home]).toBeUndefined();
  });
});
