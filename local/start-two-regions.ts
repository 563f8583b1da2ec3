/**
 * `npm start -- --regions=2`: two regions on this machine (issue 11, local/two-regions.ts), their
 * DynamoDB Locals kept in step by the replicator. Prints both API URLs, a demo supplier's key (it
 * works in both: the Tenants table is global) and how to try a failover. Data lives in a temporary
 * folder for the run. Ctrl-C stops everything.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { tableDefinition } from '../src/catalog/tables';
import { createOpsKey, createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { startTwoRegions } from './two-regions';

export async function startTwoRegionMode(): Promise<void> {
  const base = Number(process.env.PORT ?? 3000);
  const two = await startTwoRegions({
    ports: [base, base + 1],
    visibilityTimeoutSeconds: 10,
    log: (line) => console.log(`[local] ${line}`),
    onConflict: (c) =>
      console.log(
        `[replication] conflict on ${c.table} ${c.key}: ${c.winner}'s write kept, ${c.loser}'s replaced`,
      ),
  });
  const [a, b] = two.regions;
  const stackA = a.stack!;
  const tenants = new DynamoTenantStore(
    DynamoDBDocumentClient.from(stackA.dynamoClient),
    stackA.env[tableDefinition('Tenants').envVar]!,
  );
  const demo = await createSupplierWithKey(tenants, { name: 'Demo Florist' });
  const ops = await createOpsKey(tenants, 'local operator');
  await two.replicator.waitUntilInSync();

  console.log(`
WedSync local mode is up, in two regions (global tables replicated through DynamoDB Streams).
  ${a.name}:  ${a.apiUrl}/v1   DynamoDB Local ${a.store.endpoint}, SQS ${a.sqs.endpoint}
  ${b.name}:  ${b.apiUrl}/v1   DynamoDB Local ${b.store.endpoint}, SQS ${b.sqs.endpoint}
  Demo supplier:  ${demo.supplierId}
  Demo API key:   ${demo.apiKey}   (valid in both regions)
  Ops key:        ${ops.apiKey}

Write in one region, read in the other:
  curl -s -X POST ${a.apiUrl}/v1/reviews \\
    -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' \\
    -d '{"rating":5,"title":"Stunning flowers","body":"Our bouquets were perfect.","reviewerName":"Sam & Alex","platform":"google","externalId":"g-1"}'
  curl -s ${b.apiUrl}/v1/reviews -H 'Authorization: Bearer ${demo.apiKey}'
  curl -s ${b.apiUrl}/v1/reviews/summary -H 'Authorization: Bearer ${demo.apiKey}'

A whole failover under load, with checks: npm run drill:failover (docs/decisions/0020-two-regions-locally.md).

Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local] ${signal}: stopping both regions and the replicator...`);
    await two.stop();
    console.log('[local] stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
