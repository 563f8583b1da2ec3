/**
 * Operator CLI: `npm run cli -- <command>`.
 *   create-supplier --name "Rose & Co" [--supplier-id sup_...]   create a supplier and an API key
 *   create-ops-key --name "On-call"                             an operator's key for the ops routes
 *   revoke-key <keyId|apiKey>                                   revoke an API key (stops working within
 *                                                               5 s locally, 35 s in AWS: ADR 0010)
 *   ops-keys create --name <operator> [--expires-in-days N]     an ops key (at most 2 active per operator)
 *   ops-keys list                                               every ops key: id, operator, times, status
 *   ops-keys revoke <keyId>                                     revoke an ops key
 *   api-keys backfill                                           list keys made before issue 9 (one-off)
 *   usage-keys backfill                                         give suppliers made before ADR 0036 their own
 *                                                               usage key (registered first; with --stage)
 * Every act on a supplier or a key is appended to the admin audit trail (TABLE_AUDIT; retention
 * AUDIT_RETENTION_DAYS, else cdk.json's platformHealth.auditRetentionDays), actor `ops`, detail `cli`.
 *   redrive <queue> [--max N]                                   move a queue's DLQ back to it
 *   trace <reviewId> [--supplier-id <id>]                       a review's journey, with correlation ids
 *   secrets stage <SecretId>  (value on stdin)                  hand over a platform secret: staged as
 *                                                               AWSPENDING, proven, promoted (issue 9)
 *   privacy export <email> [--review <sid>/<reviewId>]...       everything held about a person (JSON)
 *   privacy erase <email> [--erase-text] [--review ...] [--no-wait]  erase a person's data (docs/privacy.md)
 *   privacy status <erasureId>                                  an erasure's state
 *   privacy backfill                                            index review requests stored before issue 9
 *   restore [--tables A,B] [--suffix S] [--at <ISO time>]       restore tables into new ones and verify
 *   restore --copy-back --suffix S [--tables A,B] [--prune]     copy restored tables back into the live ones
 *                                                               (runbooks/disaster-recovery.md)
 *   producers  (with --stage)                                   each region's Ingest queue URL and the
 *                                                               IAM policy a producer attaches
 *   bootstrap --ops-name <operator>                             day one: the platform tenant wedsync-app
 *                                                               and the first ops key, once (idempotent)
 * It reads the same environment as the functions: TABLE_*, QUEUE_URL_*, SECRET_ID_* (and, for the
 * local mode, AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS, which `npm start` prints). Against
 * a deployed stage, give `--stage <stage> [--region <region>]` before the command (the primary
 * region by default) and use your usual AWS credentials: the names are derived from cdk.json as
 * the stacks derive them (scripts/stage-environment.ts); a variable already set wins.
 */
import { parseArgs } from 'node:util';
import { dynamo, sqs } from '../src/shared/aws-clients';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { redrive } from '../src/shared/dlq-redrive';
import { dlqEnvVar, QUEUES } from '../src/catalog/queues';
import { tableDefinition } from '../src/catalog/tables';
import { requireEnv } from '../src/shared/env';
import {
  createOpsKey,
  createSupplierWithKey,
  LOCAL_USAGE_KEYS,
} from '../src/access/use-cases/create-supplier';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayUsageKeys } from '../src/access/adapters/api-gateway-usage-keys';
import { usagePlanName } from '../src/catalog/usage-plans';
import { hashApiKey, looksLikeApiKey } from '../src/access/domain/api-keys';
import { formatJourney, traceReview } from './trace-review';
import {
  bootstrapPlatform,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyDeps,
  type UsageKeyRegistry,
} from '../src/access';
import { backfillKeyLists, DynamoApiKeyStore } from '../src/access/adapters/dynamo-api-keys';
import { DynamoUsageKeyBackfill } from '../src/access/adapters/dynamo-usage-key-backfill';
import { backfillUsageKeys } from '../src/access/use-cases/backfill-usage-keys';
import {
  deterministicAdminAuditId,
  newAdminAuditId,
  type AdminActKind,
  type AdminAuditTrail,
} from '../src/audit';
import { DynamoAdminAuditTrail } from '../src/audit/adapters/dynamo-admin-audit-trail';
import { optionalEnv } from '../src/shared/env';
import { ProblemError } from '../src/shared/problem';
import { readProjectConfig, readStageNaming, type StageNaming } from '../lib/settings';
import { fillEnvironment, stageEnvironment } from './stage-environment';
import { describeProducerAccess } from './producer-access';
// Secret rotation (issue 9)
import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SECRETS } from '../src/catalog/secrets';
import { SecretsManagerVersionStore } from '../src/credentials/adapters/secrets-manager-versions';
import { stageSecret, StageRefused } from '../src/credentials';
import {
  erasureStatus,
  exportSubject,
  normaliseEmail,
  requestErasure,
  type OpsRequestContext,
} from '../src/privacy';
import { backfillSubjectHashes } from '../src/privacy/adapters/subject-backfill';
import { privacyRequestDeps } from '../src/wiring';
import { restoreCommand, RESTORE_OPTIONS, RESTORE_USAGE } from './restore-command';

const USAGE = `usage: npm run cli -- [--stage <stage> [--region <region>]] <command> ...
  npm run cli -- create-supplier --name <name> [--supplier-id <id>]
  npm run cli -- create-ops-key --name <operator>
  npm run cli -- revoke-key <keyId|apiKey>
  npm run cli -- ops-keys create --name <operator> [--expires-in-days <1-365>]
  npm run cli -- ops-keys list
  npm run cli -- ops-keys revoke <keyId>
  npm run cli -- api-keys backfill
  npm run cli -- [--stage <stage>] usage-keys backfill
  npm run cli -- redrive <${QUEUES.map((q) => q.id).join('|')}> [--max <n>]
  npm run cli -- trace <reviewId> [--supplier-id <id>]
  <value> | npm run cli -- secrets stage <${SECRETS.filter((d) => d.rotation.kind === 'staged-handover')
    .map((d) => d.id)
    .join('|')}>
  npm run cli -- privacy export <email> [--review <supplierId>/<reviewId>]...
  npm run cli -- privacy erase <email> [--erase-text] [--review <supplierId>/<reviewId>]... [--no-wait]
  npm run cli -- privacy status <erasureId>
  npm run cli -- privacy backfill
${RESTORE_USAGE}
  npm run cli -- --stage <stage> producers
  npm run cli -- [--stage <stage>] bootstrap --ops-name <operator>`;

export async function runCli(
  argv: string[],
  out: (line: string) => void = console.log,
  /** The secret value for `secrets stage` (stdin: never an argument, which shells and `ps` keep). */
  input: () => Promise<string> = readStdin,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'supplier-id': { type: 'string' },
      max: { type: 'string' },
      'expires-in-days': { type: 'string' },
      // privacy (issue 9)
      review: { type: 'string', multiple: true },
      'erase-text': { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      ...RESTORE_OPTIONS,
      // Day one (issue 11): the operator who gets the first ops key.
      'ops-name': { type: 'string' },
      // A deployed stage's names (issue 11), instead of variables copied from stack outputs.
      stage: { type: 'string' },
      region: { type: 'string' },
    },
  });
  if (values.region !== undefined && values.stage === undefined) {
    throw new UsageError('--region needs --stage (the stage whose resources to use)');
  }
  const naming = values.stage !== undefined ? readStageNaming(values.stage) : undefined;
  if (naming !== undefined) {
    const region = values.region ?? naming.primaryRegion;
    const set = fillEnvironment(process.env, stageEnvironment(naming, region));
    console.error(
      `stage ${naming.stage} in ${region} (account ${naming.account}): ${set.length} names derived`,
    );
  }
  const [command, target] = positionals;
  // Issue 11: what producers need (queue URLs per region, their IAM policy); no AWS call.
  if (command === 'producers') {
    if (!naming) throw new UsageError('producers needs --stage <stage>');
    for (const line of describeProducerAccess(naming)) out(line);
    return 0;
  }
  if (command === 'create-supplier') {
    if (!values.name) throw new UsageError('--name is required');
    const store = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    const created = await createSupplierWithKey(
      store,
      { name: values.name, supplierId: values['supplier-id'] },
      new Date(),
      usageKeyRegistry(naming),
    );
    const at = new Date().toISOString();
    await cliAct('supplier.created', `supplier:${created.supplierId}`, created.supplierId, at);
    await cliAct('api_key.created', `api_key:${created.keyId}`, created.supplierId, at);
    out(JSON.stringify(created, null, 2));
    out('Keep the API key safe: it is shown once and only its hash is stored.');
    return 0;
  }
  if (command === 'create-ops-key') {
    if (!values.name) throw new UsageError('--name is required');
    const store = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    const created = await createOpsKey(store, values.name);
    await cliAct('api_key.created', `api_key:${created.keyId}`, undefined, new Date().toISOString());
    out(JSON.stringify(created, null, 2));
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
    await cliAct(
      'api_key.revoked',
      `api_key:${revoked.keyId}`,
      revoked.supplierId === 'ops' ? undefined : revoked.supplierId,
      revoked.revokedAt,
      deterministicAdminAuditId(Date.parse(revoked.revokedAt), ['api_key.revoked', revoked.keyId]),
    );
    out(JSON.stringify({ ...revoked, status: 'revoked' }, null, 2));
    out('Requests with it are refused within 5 s locally, within 35 s in AWS (ADR 0010).');
    return 0;
  }
  if (command === 'ops-keys') return opsKeys(target, positionals[2], values, out);
  if (command === 'bootstrap') return bootstrap(values['ops-name'], out, naming);
  if (command === 'api-keys' && target === 'backfill') {
    const added = await backfillKeyLists(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
    out(`${added} keys made before the key lists were added to their owner's list`);
    return 0;
  }
  if (command === 'usage-keys' && target === 'backfill') return usageKeysBackfill(out, naming);
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
        eventLog: requireEnv(tableDefinition('EventLog').envVar),
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
  // Secret rotation (issue 9): an operator hands over a platform secret.
  if (command === 'secrets') {
    const secretName = positionals[2];
    const definition = SECRETS.find((d) => d.id === secretName);
    if (target !== 'stage' || !definition) throw new UsageError(`secrets stage needs a secret id`);
    try {
      const { versionId } = await stageSecret(definition, requireEnv(definition.envVar), await input(), {
        store: new SecretsManagerVersionStore(new SecretsManagerClient({})),
        newToken: randomUUID,
      });
      out(`staged ${definition.id} as version ${versionId} (AWSPENDING) and started its rotation.`);
      out('testSecret proves it at the platform; once it is AWSCURRENT, revoke the old value there:');
      out(
        `  aws secretsmanager describe-secret --secret-id "$${definition.envVar}" --query VersionIdsToStages`,
      );
      return 0;
    } catch (error) {
      if (error instanceof StageRefused) throw new UsageError(error.message);
      throw error;
    }
  }
  if (command === 'privacy') {
    return runPrivacyCommand(target, positionals[2], values, out);
  }
  if (command === 'restore') return restoreCommand(values, out, (message) => new UsageError(message));
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

/** All of stdin, bounded (a secret is short); a terminal gets no prompt echo of its own. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 65_536) throw new UsageError('stdin is longer than a secret can be');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Data subject requests (issue 9): the same use cases as the ops routes, audited as an ops act by the CLI. */
async function runPrivacyCommand(
  action: string | undefined,
  argument: string | undefined,
  values: { review?: string[]; 'erase-text'?: boolean; 'no-wait'?: boolean },
  out: (line: string) => void,
): Promise<number> {
  const context: OpsRequestContext = { actor: { type: 'ops', keyId: 'cli' }, sourceIp: 'cli' };
  const reviews = (values.review ?? []).map((ref) => {
    const [supplierId, reviewId, ...rest] = ref.split('/');
    if (!supplierId || !reviewId || rest.length > 0)
      throw new UsageError(`--review ${ref}: expected <supplierId>/<reviewId>`);
    return { supplierId, reviewId };
  });
  const email = () => {
    if (!argument || normaliseEmail(argument) === undefined)
      throw new UsageError(`privacy ${action ?? ''} needs an e-mail address`);
    return argument;
  };
  if (action === 'export') {
    out(
      JSON.stringify(
        await exportSubject({ email: email(), reviews }, context, privacyRequestDeps()),
        null,
        2,
      ),
    );
    return 0;
  }
  if (action === 'erase') {
    const request = { email: email(), eraseText: values['erase-text'] ?? false, reviews };
    let erasure = (await requestErasure(request, context, privacyRequestDeps())).erasure;
    // The PrivacyWorker runs it; wait up to two minutes for it to finish unless told not to.
    for (
      let waited = 0;
      erasure.status !== 'done' && !values['no-wait'] && waited < 120_000;
      waited += 1000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      erasure = (await erasureStatus(erasure.erasureId, privacyRequestDeps())) ?? erasure;
    }
    out(JSON.stringify(erasure, null, 2));
    return erasure.status === 'done' || values['no-wait'] ? 0 : 1;
  }
  if (action === 'status') {
    const erasure = argument ? await erasureStatus(argument, privacyRequestDeps()) : undefined;
    if (!erasure) {
      out('no such erasure');
      return 1;
    }
    out(JSON.stringify(erasure, null, 2));
    return 0;
  }
  if (action === 'backfill') {
    const result = await backfillSubjectHashes(
      dynamo(),
      requireEnv(tableDefinition('ReviewRequests').envVar),
    );
    out(JSON.stringify(result, null, 2));
    return 0;
  }
  throw new UsageError(`unknown privacy action "${action ?? ''}"`);
}

export class UsageError extends Error {}

/**
 * Operators' keys (issue 9): the lifecycle of suppliers' keys, through the CLI. The two-key limit
 * counts per operator (`--name`), so each operator can rotate without downtime; an operator's
 * last key may be revoked (the CLI can always issue a new one).
 */
async function opsKeys(
  action: string | undefined,
  keyId: string | undefined,
  values: { name?: string; 'expires-in-days'?: string },
  out: (line: string) => void,
): Promise<number> {
  const deps: ApiKeyDeps = {
    apiKeys: new DynamoApiKeyStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar)),
    now: () => new Date(),
  };
  try {
    if (action === 'create') {
      if (!values.name) throw new UsageError('--name is required (the operator)');
      const days = values['expires-in-days'];
      if (days !== undefined && !/^\d{1,3}$/.test(days))
        throw new UsageError('--expires-in-days must be a whole number of days (1-365)');
      if (days !== undefined && (Number(days) < 1 || Number(days) > 365))
        throw new UsageError('--expires-in-days must be 1-365');
      const created = await createApiKey(
        { kind: 'ops' },
        { label: values.name, ...(days !== undefined ? { expiresInDays: Number(days) } : {}) },
        deps,
      );
      await cliAct('api_key.created', `api_key:${created.keyId}`, undefined, created.createdAt);
      out(JSON.stringify(created, null, 2));
      out('Keep the ops key safe: it is shown once and only its hash is stored.');
      return 0;
    }
    if (action === 'list') {
      for (const key of await listApiKeys({ kind: 'ops' }, deps)) out(JSON.stringify(key));
      return 0;
    }
    if (action === 'revoke') {
      if (!keyId || !/^key_[0-9a-z]{26}$/.test(keyId))
        throw new UsageError('ops-keys revoke needs a key id (key_...)');
      const { key } = await revokeApiKey({ kind: 'ops' }, keyId, deps);
      const at = key.revokedAt ?? new Date().toISOString();
      await cliAct(
        'api_key.revoked',
        `api_key:${keyId}`,
        undefined,
        at,
        deterministicAdminAuditId(Date.parse(at), ['api_key.revoked', keyId]),
      );
      out(JSON.stringify(key, null, 2));
      out('Requests with it are refused within 5 s locally, within 35 s in AWS (ADR 0010).');
      return 0;
    }
  } catch (error) {
    // The use cases speak HTTP problems (409 too many keys, 404 unknown key): say it plainly.
    if (error instanceof ProblemError) {
      out(`refused: ${error.problem.detail ?? error.problem.title}`);
      return 1;
    }
    throw error;
  }
  throw new UsageError(`ops-keys needs create, list or revoke`);
}

/**
 * Where a new supplier's usage key is registered (ADR 0036): in a deployed stage (`--stage`), API
 * Gateway in every region of the stage, attached to each region's `suppliers` plan; in the local
 * mode (an emulator endpoint), nowhere (the local gateway knows the plan by the key's form). Anything
 * else is refused: a supplier created without its key in the plans would be answered 403.
 */
function usageKeyRegistry(naming: StageNaming | undefined): UsageKeyRegistry {
  if (naming) {
    return new ApiGatewayUsageKeys(
      [naming.primaryRegion, ...naming.replicaRegions].map((region) => ({
        region,
        client: new APIGatewayClient({ region }),
        // The REST API's name (lib/constructs/service-api.ts serviceApiName of the service stack).
        planName: usagePlanName(`${naming.appName}-Service-${region}-api`, 'suppliers'),
      })),
    );
  }
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB) return LOCAL_USAGE_KEYS;
  throw new UsageError(
    'creating a supplier or backfilling usage keys on a deployed stage needs --stage <stage>: usage keys must be registered in API Gateway',
  );
}

/**
 * ADR 0036's backfill: each supplier made before the usage plans gets its own usage key, registered
 * where the plans meter it before the authorizer returns it. Keys made before the key lists
 * (issue 9) are listed first, so every active key is found. Exit 1 if any supplier failed: a re-run
 * picks up where this one stopped and registers the same keys.
 */
async function usageKeysBackfill(
  out: (line: string) => void,
  naming: StageNaming | undefined,
): Promise<number> {
  const tableName = requireEnv(tableDefinition('Tenants').envVar);
  const registry = usageKeyRegistry(naming);
  const listed = await backfillKeyLists(dynamo(), tableName);
  if (listed > 0) out(`${listed} keys made before the key lists were added to their owner's list`);
  const result = await backfillUsageKeys({
    store: new DynamoUsageKeyBackfill(dynamo(), tableName),
    registry,
    progress: out,
  });
  out(
    `${result.assigned} suppliers got their usage key (${result.keys} active keys); ${result.failed.length} failed`,
  );
  out('The authorizer returns the new keys once its caches expire (ADR 0010: within 35 s in AWS).');
  return result.failed.length > 0 ? 1 : 0;
}

/**
 * Day one (issue 11): the platform tenant `wedsync-app` with its API key, and the first ops key,
 * each created once and audited; a second run creates nothing, says so, and shows no key.
 */
async function bootstrap(
  operator: string | undefined,
  out: (line: string) => void,
  naming: StageNaming | undefined,
): Promise<number> {
  if (!operator || !/^[\w .@'-]{1,64}$/.test(operator))
    throw new UsageError('--ops-name is required: the operator who gets the first ops key (1-64 characters)');
  const tenants = new DynamoTenantStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
  const apiKeys = new DynamoApiKeyStore(dynamo(), requireEnv(tableDefinition('Tenants').envVar));
  const { tenant, opsKey } = await bootstrapPlatform(
    { operator },
    { tenants, apiKeys, now: () => new Date(), usageKeys: usageKeyRegistry(naming) },
  );
  if (tenant.status === 'created') {
    const at = new Date().toISOString();
    await cliAct('supplier.created', `supplier:${tenant.supplierId}`, tenant.supplierId, at);
    await cliAct('api_key.created', `api_key:${tenant.keyId}`, tenant.supplierId, at);
    out(`created the platform tenant ${tenant.supplierId} and its API key (the WedSync app's):`);
    out(
      JSON.stringify({ supplierId: tenant.supplierId, keyId: tenant.keyId, apiKey: tenant.apiKey }, null, 2),
    );
  } else {
    out(`the platform tenant ${tenant.supplierId} ("${tenant.name}") exists: nothing created`);
  }
  if (opsKey.status === 'created') {
    await cliAct('api_key.created', `api_key:${opsKey.keyId}`, undefined, opsKey.createdAt);
    out(`created the first ops key, for ${opsKey.operator}:`);
    out(JSON.stringify({ keyId: opsKey.keyId, apiKey: opsKey.apiKey }, null, 2));
  } else {
    out(
      `ops keys are active (${opsKey.activeKeyIds.join(', ')}): nothing created; ` +
        'another operator: npm run cli -- ops-keys create --name <operator>',
    );
  }
  if (tenant.status === 'created' || opsKey.status === 'created') {
    out('Keep these keys safe: each is shown once and only its hash is stored.');
  } else {
    out('already bootstrapped: nothing created');
  }
  return 0;
}

let trail: AdminAuditTrail | undefined;
/** The CLI's acts: actor `ops` (an operator with the stack's credentials), no source IP. */
async function cliAct(
  kind: AdminActKind,
  target: string,
  supplierId: string | undefined,
  at: string,
  auditId = newAdminAuditId(Date.parse(at)),
): Promise<void> {
  const retention = optionalEnv('AUDIT_RETENTION_DAYS');
  trail ??= new DynamoAdminAuditTrail(dynamo(), requireEnv(tableDefinition('Audit').envVar), {
    retentionDays:
      retention !== undefined ? Number(retention) : readProjectConfig().platformHealth.auditRetentionDays,
  });
  await trail.record({
    auditId,
    kind,
    at,
    actor: { type: 'ops' },
    ...(supplierId !== undefined ? { supplierId } : {}),
    target,
    outcome: 'ok',
    detail: 'cli',
  });
}

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
