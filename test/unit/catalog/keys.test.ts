/**
 * The key catalog (issue 9): one list, two kinds. Application keys are multi-region and name a
 * variable and the actions a function gets; store keys are single-region and name the one AWS
 * service allowed to use them. Every key gets a distinct derived alias per stage.
 */
import { FUNCTIONS } from '#src/catalog/functions';
import { APPLICATION_KEYS, KEYS, STORE_KEYS, keyDefinition } from '#src/catalog/keys';
import { keyAliasName } from '#src/catalog/physical-names';

describe('KEYS', () => {
  it('splits into application keys (multi-region) and store keys (single-region), one per kind of store', () => {
    expect(APPLICATION_KEYS.map((k) => k.id)).toEqual(['TokenVault']);
    expect(STORE_KEYS.map((k) => [k.id, k.service])).toEqual([
      ['Tables', 'dynamodb'],
      ['Queues', 'sqs'],
      ['Secrets', 'secretsmanager'],
    ]);
    expect(APPLICATION_KEYS.every((k) => k.multiRegion)).toBe(true);
    expect(STORE_KEYS.every((k) => !k.multiRegion)).toBe(true);
    expect(APPLICATION_KEYS.length + STORE_KEYS.length).toBe(KEYS.length);
  });

  it('gives every key a distinct alias that depends on the stage', () => {
    const dev = KEYS.map((k) => keyAliasName({ appName: 'WedSync', stage: 'dev' }, k.id));
    const prod = KEYS.map((k) => keyAliasName({ appName: 'WedSync', stage: 'prod' }, k.id));
    expect(new Set([...dev, ...prod]).size).toBe(KEYS.length * 2);
    expect(dev).toContain('alias/WedSync-dev-Tables');
    for (const alias of dev) expect(alias).toMatch(/^alias\/[A-Za-z0-9/_-]+$/);
  });

  it('lets functions name application keys only, with a variable and catalogued actions without wildcards', () => {
    const named = FUNCTIONS.flatMap((f) => f.keys ?? []);
    for (const id of named) expect(keyDefinition(id).kind).toBe('application');
    for (const def of APPLICATION_KEYS) {
      expect(def.envVar).toMatch(/^KMS_KEY_[A-Z_]+$/);
      expect(def.actions.length).toBeGreaterThan(0);
      for (const action of def.actions) expect(action).not.toContain('*');
    }
  });

  it('refuses an unknown key id', () => {
    expect(() => keyDefinition('Nope' as never)).toThrow('unknown key Nope');
  });
});
