/**
 * The Lambda functions, defined once with what each may touch. The CDK construct turns every
 * `tables`/`queues`/`secrets` entry into both the IAM grant and the environment variable that
 * names the resource (read-only unless it says otherwise); the local mode sets the same
 * variables for the same handler modules.
 */
import type { QueueId } from './queues';
import type { SecretId } from './secrets';
import type { TableId } from './tables';

export type FunctionId = 'Api' | 'Authorizer' | 'IngestWorker';

export interface FunctionDefinition {
  readonly id: FunctionId;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Partial<Record<TableId, 'read' | 'readwrite'>>;
  readonly queues: Partial<Record<QueueId, 'send' | 'consume'>>;
  readonly secrets: readonly SecretId[];
  readonly description: string;
}

export const FUNCTIONS: readonly FunctionDefinition[] = [
  {
    id: 'Api',
    entry: 'functions/api/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // Reads only, except review requests; reviews are written by the worker alone.
    tables: { Reviews: 'read', ReviewRequests: 'readwrite' },
    queues: { Ingest: 'send' },
    secrets: ['ReviewTokenKey'],
    description: 'HTTP API: validates, queues reviews (202), reads reviews and summaries.',
  },
  {
    id: 'Authorizer',
    entry: 'functions/authorizer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    tables: { Tenants: 'read' },
    queues: {},
    secrets: [],
    description: 'REQUEST authorizer: resolves an API key hash to its supplier id.',
  },
  {
    id: 'IngestWorker',
    entry: 'functions/ingest-worker/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 30,
    tables: { Reviews: 'readwrite', Rejected: 'readwrite' },
    queues: { Ingest: 'consume', Events: 'send' },
    secrets: [],
    description: 'Drains the ingest queue: idempotent review writes, audit, domain events.',
  },
];

export function functionDefinition(id: FunctionId): FunctionDefinition {
  const fn = FUNCTIONS.find((f) => f.id === id);
  if (!fn) throw new Error(`unknown function ${id}`);
  return fn;
}
