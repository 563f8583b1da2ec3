/**
 * Operator CLI: `npm run cli -- <command>`.
 *   create-supplier --name "Rose & Co" [--supplier-id sup_...]   create a supplier and an API key
 *   create-ops-key --name "On-call"                             an operator's key for the ops routes
 *   revoke-key <keyId|apiKey>                                   revoke an API key (stops working within
 *                                                               5 s locally, 35 s in AWS: ADR 0010)
 *   redrive <queue> [--max N]                                   move a queue's DLQ back to it
 *   trace <reviewId> [--supplier-id <id>]                       a review's journey, with correlation ids
 *   restore [--tables A,B] [--suffix S] [--at <ISO time>]       restore tables into new ones and verify
 *   restore --copy-back --suffix S [--tables A,B] [--prune]     copy restored tables back into the live ones
 *                                                               (runbooks/disaster-recovery.md)
 * It reads the same environment as the functions: TABLE_* and QUEUE_URL_* (and, for the local
 * mode, AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS); against a deployed stack, take the
 * values from the stack outputs and use your usual AWS credentials.
 */
import { parseArgs } from 'node:util';
import { dynamo, sqs } from '../src/shared/aws-clients';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { redrive } from '../src/shared/dlq-redrive';
import { dlqEnvVar, QUEUES } from '../src/catalog/queues';
import { tableDefinition } from '../src/catalog/tables';
import { requireEnv } from '../src/shared/env';
import { createOpsKey, createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { hashApiKey, looksLikeApiKey } from '../src/access/domain/api-keys';
import { formatJourney, traceReview } from './trace-review';
import { restoreCommand, RESTORE_OPTIONS, RESTORE_USAGE } from './restore-command';

const USAGE = `usage:
  npm run cli -- create-supplier --name <name> [--supplier-id <id>]
  npm run cli -- create-ops-key --name <operator>
  npm run cli -- revoke-key <keyId|apiKey>
  npm run cli -- redrive <${QUEUES.map((q) => q.id).join('|')}> [--max <n>]
  npm run cli -- trace <reviewId> [--supplier-id <id>]
${RESTORE_USAGE}`;

export async function runCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'supplier-id': { type: 'string' },
      max: { type: 'string' },
      ...RESTORE_OPTIONS,
    },
  });
  const [command, target] = positionals;
  if (command === 'create-supplier') {
    if (!values.name) throw new UsageError('--name is required');
    const store = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    const created = await createSupplierWithKey(store, {
      name: values.name,
      supplierId: values['supplier-id'],
    });
    out(JSON.stringify(created, null, 2));
    out('Keep the API key safe: it is shown once and only its hash is stored.');
    return 0;
  }
  if (command === 'create-ops-key') {
    if (!values.name) throw new UsageError('--name is required');
    const store = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    out(JSON.stringify(await createOpsKey(store, values.name), null, 2));
    out('Keep the ops key safe: it is shown once and only its hash is stored.');
    return 0;
  }
  if (command === 'revoke-key') {
    if (!target) throw new UsageError('revoke-key needs a key id (key_...) or the API key (wsk_...)');
    const by = looksLikeApiKey(target)
      ? { keyHash: hashApiKey(target) }
      : /^key_[0-9a-z]{26}$/.test(target)
        ? { keyId: target }
        : undefined;
    if (!by) throw new UsageError(`"${target.slice(0, 12)}..." is neither a key id nor an API key`);
    const store = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    const revoked = await store.revokeApiKey(by, new Date().toISOString());
    if (!revoked) {
      out('no such key');
      return 1;
    }
    out(JSON.stringify({ ...revoked, status: 'revoked' }, null, 2));
    out('Requests with it are refused within 5 s locally, within 35 s in AWS (ADR 0010).');
    return 0;
  }
  if (command === 'redrive') {
    const queue = QUEUES.find((q) => q.id.toLowerCase() === target?.toLowerCase());
    if (!queue) throw new UsageError(`unknown queue "${target ?? ''}"`);
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && !(Number.isInteger(max) && max > 0))
      throw new UsageError('--max must be a positive integer');
    const result = await redrive(
      sqs(),
      { dlqUrl: requireEnv(dlqEnvVar(queue)), queueUrl: requireEnv(queue.envVar) },
      { maxMessages: max, onProgress: (moved) => out(`moved ${moved}...`) },
    );
    out(
      `redrive of ${queue.id}: ${result.moved} moved, ${result.failed} could not be sent (still in the DLQ)`,
    );
    return result.failed === 0 ? 0 : 1;
  }
  if (command === 'trace') {
    if (!target) throw new UsageError('trace needs a review id');
    const found = await traceReview(
      dynamo(),
      {
        reviews: requireEnv(tableDefinition('Reviews').envVar),
        deliveries: requireEnv(tableDefinition('Deliveries').envVar),
        endpoints: requireEnv(tableDefinition('WebhookEndpoints').envVar),
      },
      target,
      values['supplier-id'],
    );
    if (!found) {
      out(`no review ${target}${values['supplier-id'] ? ` for supplier ${values['supplier-id']}` : ''}`);
      return 1;
    }
    for (const line of formatJourney(target, found.supplierId, found.steps)) out(line);
    return 0;
  }
  if (command === 'restore') return restoreCommand(values, out, (message) => new UsageError(message));
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

export class UsageError extends Error {}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        error instanceof UsageError ? `${error.message}\n${USAGE}` : `error: ${(error as Error).message}`,
      );
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
