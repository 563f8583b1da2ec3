/**
 * The import rules of `npm run lint:deps` are live: run on a fixture tree with one deliberate
 * violation per rule, dependency-cruiser reports exactly those, and accepts the allowed import.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'layout-violations');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

function cruise(): Violation[] {
  let output: string;
  try {
    output = execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'depcruise'),
      ['src', 'functions', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      { cwd: FIXTURE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds errors; the JSON report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('import rules (dependency-cruiser)', () => {
  const violations = cruise();
  // A package resolves into the repository's node_modules: keep only its name.
  const target = (to: string) => to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1');
  const found = (rule: string) =>
    violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} -> ${target(v.to)}`);

  it('flags domain code that imports the AWS SDK or an adapter', () => {
    expect(found('domain-is-pure').sort()).toEqual([
      'src/reviews/domain/uses-adapter.ts -> src/reviews/adapters/store.ts',
      'src/reviews/domain/uses-sdk.ts -> @aws-sdk/client-dynamodb',
    ]);
  });

  it("flags a capability reaching into another's internals, not an import through its index", () => {
    expect(found('no-reaching-into-another-capability')).toEqual([
      'src/webhooks/use-cases/reaches-in.ts -> src/reviews/adapters/store.ts',
    ]);
  });

  it('flags an import cycle', () => {
    expect(found('no-circular').length).toBeGreaterThan(0);
    expect(found('no-circular').every((v) => v.startsWith('src/models/'))).toBe(true);
  });

  it('flags the kernel depending on a capability', () => {
    expect(found('kernel-and-catalog-stay-small')).toEqual([
      'src/shared/uses-capability.ts -> src/reviews/index.ts',
    ]);
  });

  it('flags code Lambda loads importing the training code', () => {
    expect(found('lambda-code-does-not-load-training')).toEqual([
      'src/models/inference/loads-training.ts -> src/models/training/fit.ts',
    ]);
  });

  it('flags a handler importing an adapter, not one taking it from src/wiring.ts', () => {
    expect(found('handlers-take-adapters-from-wiring')).toEqual([
      'functions/builds-its-own/handler.ts -> src/reviews/adapters/store.ts',
    ]);
  });

  it('reports nothing else', () => {
    const known = new Set([
      'domain-is-pure',
      'no-reaching-into-another-capability',
      'no-circular',
      'kernel-and-catalog-stay-small',
      'lambda-code-does-not-load-training',
      'handlers-take-adapters-from-wiring',
    ]);
    expect(violations.filter((v) => !known.has(v.rule.name))).toEqual([]);
  });
});

describe('one name for the owner of data', () => {
  it('calls it supplierId everywhere Lambda code runs (no tenantId)', () => {
    const root = path.resolve(__dirname, '../..');
    // git grep exits 1 when nothing matches, 0 with the matching files.
    const found = spawnSync('git', ['grep', '-l', '-w', 'tenantId', '--', 'src', 'functions'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: found.status, files: found.stdout.trim() }).toEqual({ status: 1, files: '' });
  });
});
