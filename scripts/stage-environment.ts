/**
 * The environment a deployed stage's functions get, derived for an operator's tool from the same
 * physical names the stacks use (src/catalog/physical-names.ts): `npm run cli -- --stage prod
 * --region eu-west-1 <command>` finds that region's tables, queues, secrets and keys with no copied
 * variables and no stack outputs. What is already set in the environment wins (the local mode sets
 * everything itself).
 */
import { dlqEnvVar, QUEUES } from '../src/catalog/queues';
import { TABLES } from '../src/catalog/tables';
import { SECRETS } from '../src/catalog/secrets';
import { APPLICATION_KEYS } from '../src/catalog/keys';
import {
  deadLetterQueueName,
  keyAliasName,
  queueName,
  secretName,
  tableName,
} from '../src/catalog/physical-names';
import type { StageNaming } from '../lib/settings';

/** The regions a stage runs in, primary first. */
const stageRegions = (stage: StageNaming): readonly string[] => [
  stage.primaryRegion,
  ...stage.replicaRegions,
];

/** Every resource variable of the catalog for one region of a stage (plus AWS_REGION). */
export function stageEnvironment(stage: StageNaming, region: string): Record<string, string> {
  if (!stageRegions(stage).includes(region)) {
    throw new Error(
      `stage "${stage.stage}" does not run in ${region}: its regions are ${stageRegions(stage).join(', ')}`,
    );
  }
  const queueUrl = (name: string) => `https://sqs.${region}.amazonaws.com/${stage.account}/${name}`;
  const entries: [string, string][] = [
    ['AWS_REGION', region],
    ['AUDIT_RETENTION_DAYS', String(stage.platformHealth.auditRetentionDays)],
    ...TABLES.map((def): [string, string] => [def.envVar, tableName(stage, def.id)]),
    ...QUEUES.flatMap((def): [string, string][] => [
      [def.envVar, queueUrl(queueName(stage, def.id))],
      [dlqEnvVar(def), queueUrl(deadLetterQueueName(stage, def.id))],
    ]),
    ...SECRETS.map((def): [string, string] => [def.envVar, secretName(stage, def.id)]),
    ...APPLICATION_KEYS.map((def): [string, string] => [
      def.envVar,
      `arn:aws:kms:${region}:${stage.account}:${keyAliasName(stage, def.id)}`,
    ]),
  ];
  return Object.fromEntries(entries);
}

/** Sets each variable of `derived` that `env` does not already hold; returns the names it set. */
export function fillEnvironment(env: NodeJS.ProcessEnv, derived: Record<string, string>): string[] {
  const set: string[] = [];
  for (const [name, value] of Object.entries(derived)) {
    if (env[name] !== undefined && env[name] !== '') continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
