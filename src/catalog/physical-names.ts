/**
 * Physical names of the stateful resources, derived from the app name, the stage and the catalog
 * ids (issue 11). Each region's service stack computes the names of the global tables, the secret
 * replicas and the key aliases from these functions instead of reading the data stack's outputs in
 * the primary region, so it deploys while that region is down; the operator CLI finds the same
 * resources from the same functions (`--stage`, `--region`), with no copied variables.
 */
import type { FunctionId } from './functions';
import type { KeyId } from './keys';
import type { QueueId } from './queues';
import type { SecretId } from './secrets';
import type { TableId } from './tables';

/** What names are derived from: `wedsync.appName` and the deploy stage (`dev`, `prod`, ...). */
export interface NamingScope {
  readonly appName: string;
  readonly stage: string;
}

const prefix = (scope: NamingScope): string => `${scope.appName}-${scope.stage}`;

/** The global table (the same name in every replica region). */
export const tableName = (scope: NamingScope, id: TableId): string => `${prefix(scope)}-${id}`;

/** The secret (its replicas keep the name; the ARN adds a random suffix, so grants use `-??????`). */
export const secretName = (scope: NamingScope, id: SecretId): string => `${prefix(scope)}/${id}`;

/**
 * The alias of a catalog key (src/catalog/keys.ts) in every region: the multi-region key's primary
 * or replica, or the region's own store key (aliases are regional: one per key and region). The
 * data and service stacks name keys only by it, never by an ARN read from another stack.
 */
export const keyAliasName = (scope: NamingScope, id: KeyId): string => `alias/${prefix(scope)}-${id}`;

/** A catalog queue in each region (queues are regional; the name is the same in every region). */
export const queueName = (scope: NamingScope, id: QueueId): string => `${prefix(scope)}-${id}`;

/** The dead-letter queue of a catalog queue. */
export const deadLetterQueueName = (scope: NamingScope, id: QueueId): string => `${queueName(scope, id)}-dlq`;

/**
 * A function built once, in the data stack (`stack: 'data'`, the secret rotation function): the
 * primary service stack names it for its alarms and dashboard without reading the data stack.
 */
export const dataFunctionName = (scope: NamingScope, id: FunctionId): string => `${prefix(scope)}-${id}`;

/**
 * A service function that another stack of its region names (issue 11: the API stack's integration
 * and authorizer call the Api and Authorizer functions of the service stack by this name, never by a
 * reference to that stack). Lambda names are regional, so the same name in every region is unique;
 * at most 64 characters (Lambda's limit, checked by the infra tests).
 */
export const serviceFunctionName = (scope: NamingScope, id: FunctionId): string => `${prefix(scope)}-${id}`;
