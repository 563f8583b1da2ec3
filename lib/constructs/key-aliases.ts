/**
 * How every stack but the keys stacks names a catalog key (src/catalog/keys.ts): by its derived
 * alias (src/catalog/physical-names.ts), in the stack's own region, never by an ARN read from the
 * keys stack. IAM grants on such a key go through CDK's imported-alias grant (feature flag
 * `@aws-cdk/aws-kms:applyImportedAliasPermissionsToPrincipal`): the keys of this region and
 * account, only the one carrying the alias (`kms:ResourceAliases`), never "*".
 */
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { STORE_KEYS, type KeyId, type StoreKeyId } from '#src/catalog/keys';
import { keyAliasName, type NamingScope } from '#src/catalog/physical-names';

/** `arn:<partition>:kms:<region>:<account>:alias/<derived name>`, in `region` (the stack's by default). */
export function keyAliasArn(scope: Construct, naming: NamingScope, id: KeyId, region?: string): string {
  return Stack.of(scope).formatArn({ service: 'kms', region, resource: keyAliasName(naming, id) });
}

/** The region's store keys as key objects of `scope`'s stack, named by alias (one construct each). */
export function storeKeysIn(scope: Construct, naming: NamingScope): Record<StoreKeyId, kms.IKey> {
  return Object.fromEntries(
    STORE_KEYS.map((def) => [
      def.id,
      kms.Alias.fromAliasName(scope, `${def.id}KeyAlias`, keyAliasName(naming, def.id)),
    ]),
  ) as Record<StoreKeyId, kms.IAlias>;
}
