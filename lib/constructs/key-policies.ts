/**
 * Least-privilege key policies for the catalog keys (src/catalog/keys.ts, issue 9). Every key
 * starts with the same administration statement: the account (CloudFormation, operators, through
 * IAM) may read and change the key's settings, policy, aliases and tags, keep rotation on, disable
 * it and schedule or cancel its deletion, but never encrypt or decrypt with it, create grants, or
 * turn rotation off. Use is then allowed per kind:
 * - a store key only through its one AWS service (`kms:ViaService` in this region), by principals
 *   of this account (`kms:CallerAccount`) that IAM also allows; the service may create grants for
 *   itself (`kms:GrantIsForAWSResource`), never for a person;
 * - an application key (the token vault) only with its catalogued actions and an encryption
 *   context naming a connection, by principals that IAM also allows (the functions' roles).
 */
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ApplicationKeyDefinition, KeyDefinition, StoreKeyDefinition } from '#src/catalog/keys';
import type { Producer } from '../settings';

/** What the account may do to a key: administration only (no cryptographic action). */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  // CloudFormation makes the derived alias (CreateAlias needs the key's permission too).
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/** A multi-region key's extra administration: making its replicas, moving its primary. */
export const MULTI_REGION_ADMIN_ACTIONS = ['kms:ReplicateKey', 'kms:UpdatePrimaryRegion'] as const;

/** What a store's service does with its key on a caller's behalf (DynamoDB, SQS, Secrets Manager). */
export const STORE_KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
] as const;

/** The key policy of `def` in `stack`'s region (a primary, a replica or a single-region key). */
export function keyPolicy(
  stack: Stack,
  def: KeyDefinition,
  /** Other accounts' producers sending to the Ingest queue (docs/producers.md): they use the Queues key through SQS. */
  producers: readonly Producer[] = [],
): iam.PolicyDocument {
  const admin = new iam.PolicyStatement({
    sid: 'AdministerTheKey',
    principals: [new iam.AccountRootPrincipal()],
    actions: [...KEY_ADMIN_ACTIONS, ...(def.multiRegion ? MULTI_REGION_ADMIN_ACTIONS : [])],
    // In a key policy "*" is this key.
    resources: ['*'],
  });
  const use = def.kind === 'store' ? storeKeyUse(stack, def) : applicationKeyUse(def);
  const producing =
    def.id === 'Queues' && producers.length > 0 ? [producersSendThroughSqs(stack, producers)] : [];
  return new iam.PolicyDocument({ statements: [admin, ...use, ...producing] });
}

function storeKeyUse(stack: Stack, def: StoreKeyDefinition): iam.PolicyStatement[] {
  const through = {
    StringEquals: {
      'kms:ViaService': `${def.service}.${stack.region}.${stack.urlSuffix}`,
      'kms:CallerAccount': stack.account,
    },
  };
  return [
    new iam.PolicyStatement({
      sid: `UseThrough${def.service}`,
      principals: [new iam.AccountRootPrincipal()],
      actions: [...STORE_KEY_USE_ACTIONS],
      resources: ['*'],
      conditions: through,
    }),
    // DynamoDB and Secrets Manager keep a table or replica usable through grants they make for themselves.
    new iam.PolicyStatement({
      sid: `GrantsFor${def.service}`,
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ...through, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
}

/**
 * A producer's SendMessage to a KMS-encrypted queue needs GenerateDataKey and Decrypt on its key
 * (SQS docs, "Key management"): only those two, only through SQS in this region.
 */
function producersSendThroughSqs(stack: Stack, producers: readonly Producer[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ProducersSendThroughSqs',
    principals: producers.map((p) =>
      /^\d{12}$/.test(p.principal)
        ? new iam.AccountPrincipal(p.principal)
        : new iam.ArnPrincipal(p.principal),
    ),
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}` } },
  });
}

function applicationKeyUse(def: ApplicationKeyDefinition): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: `Use${def.id}WithAConnectionContext`,
      principals: [new iam.AccountRootPrincipal()],
      actions: [...def.actions],
      resources: ['*'],
      conditions: { Null: { 'kms:EncryptionContext:connectionId': 'false' } },
    }),
  ];
}
