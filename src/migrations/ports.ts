/** What a migration is and where the runner records it. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableId } from '../catalog/tables';
import type { MigrationCounts } from './domain/progress';

export type DocItem = Record<string, unknown>;

export interface MigrationContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Compute and count, write nothing. */
  readonly dryRun: boolean;
}

/** One data migration (`migrations/NNNN-name.ts` default-exports one). */
export interface Migration {
  /** The file name without `.ts` (`0001-rescore-reviews`): the order and the ledger key. */
  readonly id: string;
  readonly description: string;
  /** The table paged over (Scan, `pageSize` items a page). */
  readonly table: TableId;
  readonly pageSize?: number;
  /** Only items matching it are handed to `migratePage` (a Scan filter). */
  readonly filter?: {
    readonly expression: string;
    readonly names?: Record<string, string>;
    readonly values?: Record<string, unknown>;
  };
  /** Applies the change to one page; must be safe to apply twice (a page is re-run after a crash). */
  migratePage(items: readonly DocItem[], context: MigrationContext): Promise<Omit<MigrationCounts, 'pages'>>;
}

export interface MigrationRecord {
  readonly id: string;
  readonly status: 'running' | 'done';
  readonly owner: string;
  readonly leaseUntilMs: number;
  readonly checkpoint?: DocItem;
  readonly counts: MigrationCounts;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

export interface MigrationLedger {
  get(id: string): Promise<MigrationRecord | undefined>;
  list(): Promise<MigrationRecord[]>;
  /**
   * Takes the migration for `owner` until `leaseUntilMs`: new, or running with an expired lease
   * (or `takeOver`). Returns the record to resume from, or undefined when another runner holds it.
   */
  claim(
    id: string,
    owner: string,
    leaseUntilMs: number,
    takeOver: boolean,
    now: Date,
  ): Promise<MigrationRecord | undefined>;
  /** Records a page applied: its last key and the counts so far; fails if the lease was lost. */
  checkpoint(
    id: string,
    owner: string,
    checkpoint: DocItem | undefined,
    counts: MigrationCounts,
    leaseUntilMs: number,
  ): Promise<void>;
  finish(id: string, owner: string, counts: MigrationCounts, now: Date): Promise<void>;
}
