/**
 * `npm start`: the whole system on this machine, no AWS account. Prints the API URL, a demo
 * supplier's API key and a first request to try; Ctrl-C stops everything it started.
 */
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { tableDefinition } from '../src/catalog/tables';
import { createOpsKey, createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { REPO_ROOT } from './processes';
import { DOCS_PATH, OPS_PATH, startLocalStack } from './stack';
import { connectAll, startDemoPlatforms } from './platform-fakes/demo';
import { secretDefinition } from '../src/catalog/secrets';
// Two regions, locally (issue 11): `npm start -- --regions=2`.
import { startTwoRegionMode } from './start-two-regions';

async function main(): Promise<void> {
  if (process.argv.includes('--regions=2')) return startTwoRegionMode();
  const port = Number(process.env.PORT ?? 3000);
  const persist = process.env.WEDSYNC_IN_MEMORY !== 'true';
  // The fake review platforms (Google, Facebook, Trustpilot, Yelp) on loopback: the functions call
  // them instead of the real hosts (WEDSYNC_PLATFORM_ORIGINS is a local-only override).
  const platforms = await startDemoPlatforms();
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify(platforms.origins);
  const stack = await startLocalStack({
    port,
    dbPath: persist ? join(REPO_ROOT, '.local', 'data') : undefined,
    visibilityTimeoutSeconds: 10,
    syncSchedule: true,
    functionSchedules: true,
    log: (line) => console.log(`[local] ${line}`),
  });
  const tenants = new DynamoTenantStore(
    DynamoDBDocumentClient.from(stack.dynamoClient),
    stack.env[tableDefinition('Tenants').envVar]!,
  );
  const demo = await createSupplierWithKey(tenants, { name: 'Demo Florist' });
  // An operator's key for the operations page and the /v1/ops routes (a supplier key is refused there).
  const ops = await createOpsKey(tenants, 'local operator');
  // Connect the demo supplier to every fake platform through the API (consent approves at once)
  // and run the sync schedule now rather than in 5 minutes, so reviews arrive within seconds.
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS ?? '{}') as Record<string, string[]>;
  const yelpKey = secrets[stack.env[secretDefinition('YelpApiKey').envVar] ?? '']?.[0];
  if (yelpKey) platforms.acceptYelpKey(yelpKey);
  const connections = await connectAll(stack.apiUrl, demo.apiKey);
  await stack.syncSchedule?.runOnce();

  console.log(`
WedSync local mode is up.
  API:            ${stack.apiUrl}/v1
  API reference:  ${stack.apiUrl}${DOCS_PATH} (OpenAPI 3.1 document: ${stack.apiUrl}/v1/openapi.json)
  Operations:     ${stack.apiUrl}${OPS_PATH} (KPIs, health, charts of the last hour; sign in with the ops key below)
  DynamoDB Local: ${stack.dynamoDb.endpoint}${persist ? ` (data in .local/data; WEDSYNC_IN_MEMORY=true for none)` : ' (in memory)'}
  SQS emulator:   ${stack.sqsEndpoint}
  E-mail inbox:   ${stack.sesEndpoint}/  (SES emulator; JSON at ${stack.sesEndpoint}/store)
  Real time:      ${stack.realtimeUrl}/?token=<token> (WebSocket; docs/realtime.md)
  Demo supplier:  ${demo.supplierId}
  Demo API key:   ${demo.apiKey}
  Ops key:        ${ops.apiKey}  (for ${OPS_PATH} and the /v1/ops routes)

Try:
  curl -s -X POST ${stack.apiUrl}/v1/reviews \\
    -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' \\
    -d '{"rating":5,"title":"Stunning flowers","body":"Our bouquets were perfect.","reviewerName":"Sam & Alex","platform":"google","externalId":"g-1"}'
  curl -s ${stack.apiUrl}/v1/reviews -H 'Authorization: Bearer ${demo.apiKey}'
  curl -s ${stack.apiUrl}/v1/reviews/summary -H 'Authorization: Bearer ${demo.apiKey}'

Ask a couple for a verified review (the link is e-mailed: read it in the inbox above):
  curl -s -X POST ${stack.apiUrl}/v1/review-requests \\
    -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' \\
    -d '{"coupleName":"Jo & Max","email":"jo@example.com","weddingDate":"2026-06-20"}'

Review platforms (fakes on loopback, connected for the demo supplier; syncing now, then every 5 minutes):
${connections.map((c) => `  ${c.platform.padEnd(11)} ${c.connectionId} (${c.status})  fake at ${platforms.origins[c.platform]}`).join('\n')}
  curl -s '${stack.apiUrl}/v1/reviews?platform=google' -H 'Authorization: Bearer ${demo.apiKey}'
  curl -s ${stack.apiUrl}/v1/connections -H 'Authorization: Bearer ${demo.apiKey}'
  curl -s ${stack.apiUrl}/v1/integrations/health -H 'Authorization: Bearer ${demo.apiKey}'
  curl -s '${stack.apiUrl}/v1/audit?limit=20' -H 'Authorization: Bearer ${demo.apiKey}'
  Reply to a Google review (published on the fake through the Replies queue):
  curl -s -X POST ${stack.apiUrl}/v1/reviews/<reviewId>/reply -H 'Authorization: Bearer ${demo.apiKey}' \\
    -H 'Content-Type: application/json' -d '{"comment":"Thank you both!"}'

Real-time updates (WebSocket; docs/realtime.md): take a 5-minute token, connect, subscribe, then post a review:
  curl -s -X POST ${stack.apiUrl}/v1/realtime/tokens -H 'Authorization: Bearer ${demo.apiKey}' \\
    -H 'Content-Type: application/json' -d '{}'
  npx wscat -c '${stack.realtimeUrl}/?token=<token>'   (any WebSocket client)
  > {"action":"subscribe","channel":"supplier:${demo.supplierId}:reviews"}
  > {"action":"ping"}

Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local] ${signal}: stopping pollers, gateway and emulators...`);
    await stack.stop();
    await platforms.close();
    console.log('[local] stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`[local] failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
