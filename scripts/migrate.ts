/**
 * `npm run migrate [-- --dry-run] [--only <id>] [--take-over] [--pause-ms <n>] [--list]`: runs the
 * data migrations of `migrations/` in order against the tables of the same environment as the CLI
 * (TABLE_*; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local, your AWS credentials otherwise), each
 * once, resumable after a crash (issue 11). Progress goes to stderr, the summary to stdout.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { dynamo } from '../src/shared/aws-clients';
import { requireEnv } from '../src/shared/env';
import { tableDefinition, type TableId } from '../src/catalog/tables';
import { DynamoMigrationLedger } from '../src/migrations/adapters/migration-ledger';
import { loadMigrations } from '../src/migrations/adapters/migration-files';
import { runMigrations } from '../src/migrations/use-cases/run-migrations';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

/** A bar that redraws in place on a terminal, a line every few seconds otherwise. */
export function stderrProgress(): (line: string, final: boolean) => void {
  let lastLine = 0;
  return (line, final) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    } else if (final || Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'dry-run': { type: 'boolean' },
      only: { type: 'string' },
      'take-over': { type: 'boolean' },
      'pause-ms': { type: 'string' },
      list: { type: 'boolean' },
    },
  });
  const migrations = loadMigrations(MIGRATIONS_DIR);
  const ledger = new DynamoMigrationLedger(dynamo(), requireEnv(tableDefinition('Migrations').envVar));
  if (values.list) {
    const records = new Map((await ledger.list()).map((r) => [r.id, r]));
    for (const m of migrations) {
      const r = records.get(m.id);
      console.log(
        `${m.id}  ${r ? `${r.status}${r.finishedAt ? ` ${r.finishedAt}` : ''}, ${r.counts.changed} changed` : 'not run'}  ${m.description}`,
      );
    }
    return 0;
  }
  const pauseMs = values['pause-ms'] === undefined ? 0 : Number(values['pause-ms']);
  if (!Number.isInteger(pauseMs) || pauseMs < 0) throw new Error('--pause-ms must be a whole number of ms');
  if (values.only && !migrations.some((m) => m.id === values.only))
    throw new Error(`no migration ${values.only}`);
  const outcomes = await runMigrations(migrations, {
    client: dynamo(),
    ledger,
    tableName: (id: TableId) => requireEnv(tableDefinition(id).envVar),
    dryRun: values['dry-run'],
    takeOver: values['take-over'],
    pauseMs,
    only: values.only,
    progress: stderrProgress(),
    log: (line) => console.log(line),
  });
  return outcomes.some((o) => o.result === 'held-by-another-runner') ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`migrate: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
