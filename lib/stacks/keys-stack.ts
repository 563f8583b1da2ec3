/**
 * Every catalog key of one region (src/catalog/keys.ts), each under its derived alias
 * (src/catalog/physical-names.ts), rotation on, retained, with a least-privilege key policy
 * (lib/constructs/key-policies.ts). One such stack per region, deployed BEFORE the data stack
 * (issue 9): a global table or secret replica names a key of its own region, which must exist.
 *
 * - The primary region's stack holds every key's primary: the multi-region application keys
 *   (the token vault) and the region's single-region store keys (tables, queues, secrets).
 * - A replica region's stack holds a replica of each multi-region key and its own store keys. A
 *   replica names its primary key's ARN, which holds a random `mrk-` id that cannot be derived:
 *   that read of the primary region's keys stack is the one deploy-time cross-region reference of
 *   the app (keys stack to keys stack). It changes only when a key is added, so every other stack of
 *   a region (data, service) deploys while the primary region is down, naming keys by alias only.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { APPLICATION_KEYS, KEYS, type ApplicationKeyId, type KeyId } from '#src/catalog/keys';
import { keyAliasName, type NamingScope } from '#src/catalog/physical-names';
import { keyPolicy } from '../constructs/key-policies';
import type { Producer } from '../settings';

export interface KeysStackProps extends StackProps {
  readonly naming: NamingScope;
  /** Producers of other accounts (wedsync.producers): the Queues key lets them send through SQS. */
  readonly producers?: readonly Producer[];
  /**
   * The primary region's keys stack, for a replica region: its multi-region keys are replicated
   * here. Omitted in the primary region, whose stack creates those primaries.
   */
  readonly primary?: KeysStack;
}

export class KeysStack extends Stack {
  /** Every catalog key of this region: a primary, a replica (`AWS::KMS::ReplicaKey`) or a store key. */
  readonly keys: Readonly<Record<KeyId, kms.CfnKey | kms.CfnReplicaKey>>;
  readonly aliases: Readonly<Record<KeyId, kms.CfnAlias>>;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const keys: Partial<Record<KeyId, kms.CfnKey | kms.CfnReplicaKey>> = {};
    const aliases: Partial<Record<KeyId, kms.CfnAlias>> = {};
    for (const def of KEYS) {
      const policy = keyPolicy(this, def, props.producers);
      const key =
        def.multiRegion && props.primary
          ? new kms.CfnReplicaKey(this, `${def.id}KeyReplica`, {
              primaryKeyArn: props.primary.primaryKeyArn(def.id as ApplicationKeyId),
              description: `Replica of the ${def.id} key. ${def.description}`,
              keyPolicy: policy,
            })
          : new kms.CfnKey(this, `${def.id}Key`, {
              description: def.description,
              enableKeyRotation: true,
              multiRegion: def.multiRegion,
              keyPolicy: policy,
            });
      // Rotation of a replica follows its primary's (KMS rotates a multi-region key as a whole).
      key.applyRemovalPolicy(RemovalPolicy.RETAIN);
      keys[def.id] = key;
      aliases[def.id] = new kms.CfnAlias(this, `${def.id}KeyAlias`, {
        aliasName: keyAliasName(props.naming, def.id),
        targetKeyId: key.attrKeyId,
      });
    }
    this.keys = keys as Record<KeyId, kms.CfnKey | kms.CfnReplicaKey>;
    this.aliases = aliases as Record<KeyId, kms.CfnAlias>;
  }

  /** The ARN of a multi-region primary key of this (the primary region's) stack. */
  primaryKeyArn(id: ApplicationKeyId): string {
    const key = this.keys[id];
    if (!(key instanceof kms.CfnKey) || !APPLICATION_KEYS.some((def) => def.id === id)) {
      throw new Error(`${this.stackName} holds no multi-region primary key ${id}`);
    }
    return key.attrArn;
  }
}
