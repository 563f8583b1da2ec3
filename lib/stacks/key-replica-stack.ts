/**
 * The replicas of the multi-region keys in one replica region, with the regional alias functions
 * use (issue 11). A replica names its primary key's ARN, which holds a random `mrk-` id that cannot
 * be derived: this small stateful stack is the one place outside the data stack that reads it
 * from the primary region. It is created with the data stack and changes only when a key is added,
 * so the service stack of the region (which names the key by its alias only) deploys while the
 * primary region is down.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { KEYS, type KeyId } from '#src/catalog/keys';
import { keyAliasName, type NamingScope } from '#src/catalog/physical-names';

export interface KeyReplicaStackProps extends StackProps {
  /** The multi-region primary keys (data stack, primary region). */
  readonly keys: Readonly<Record<KeyId, kms.Key>>;
  readonly naming: NamingScope;
}

export class KeyReplicaStack extends Stack {
  readonly replicas: Readonly<Record<KeyId, kms.CfnReplicaKey>>;

  constructor(scope: Construct, id: string, props: KeyReplicaStackProps) {
    super(scope, id, props);
    this.replicas = Object.fromEntries(
      KEYS.map((def) => {
        // The replica's key policy delegates to IAM, as the primary's default policy does.
        const replica = new kms.CfnReplicaKey(this, `${def.id}KeyReplica`, {
          primaryKeyArn: props.keys[def.id].keyArn,
          description: `Replica of the ${def.id} key`,
          keyPolicy: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                actions: ['kms:*'],
                principals: [new iam.AccountRootPrincipal()],
                resources: ['*'],
              }),
            ],
          }),
        });
        replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
        new kms.CfnAlias(this, `${def.id}KeyAlias`, {
          aliasName: keyAliasName(props.naming, def.id),
          targetKeyId: replica.attrKeyId,
        });
        return [def.id, replica];
      }),
    ) as Record<KeyId, kms.CfnReplicaKey>;
  }
}
