/**
 * A migration that updates items one by one with a conditional update (the shape of every
 * migration so far): the migration says what to write to an item, or nothing; this runs the page
 * ten items at a time and, when a write's condition fails because someone wrote the item since
 * the page was read, re-reads it once and asks again, else counts a conflict.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DocItem, Migration, MigrationContext } from '../ports';

/** Updates in flight at once within a page. */
const ITEMS_IN_FLIGHT = 10;

type Verdict = 'changed' | 'unchanged' | 'conflict';

/** The update of one item (its table and key are the runner's), conditional on what was read. */
export type ItemUpdate = Omit<UpdateCommandInput, 'TableName' | 'Key'>;

export interface ItemUpdateMigration extends Omit<Migration, 'migratePage'> {
  /** What to write to this item, or undefined when it needs nothing (must hold for a written item). */
  updateFor(item: DocItem): ItemUpdate | undefined;
}

async function migrateItem(
  migration: ItemUpdateMigration,
  item: DocItem,
  context: MigrationContext,
  secondTry = false,
): Promise<Verdict> {
  const update = migration.updateFor(item);
  if (!update) return 'unchanged';
  if (context.dryRun) return 'changed';
  const key = { pk: item.pk, sk: item.sk };
  try {
    await context.client.send(new UpdateCommand({ TableName: context.tableName, Key: key, ...update }));
    return 'changed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if (secondTry) return 'conflict';
    // Someone wrote the item since we read it: decide again on what is stored now, once.
    const { Item } = await context.client.send(
      new GetCommand({ TableName: context.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? migrateItem(migration, Item, context, true) : 'unchanged';
  }
}

export function itemUpdateMigration(migration: ItemUpdateMigration): Migration {
  const { updateFor: _updateFor, ...described } = migration;
  return {
    ...described,
    async migratePage(items, context) {
      const verdicts: Verdict[] = [];
      for (let i = 0; i < items.length; i += ITEMS_IN_FLIGHT) {
        const slice = items.slice(i, i + ITEMS_IN_FLIGHT);
        verdicts.push(...(await Promise.all(slice.map((item) => migrateItem(migration, item, context)))));
      }
      return {
        scanned: items.length,
        changed: verdicts.filter((v) => v === 'changed').length,
        unchanged: verdicts.filter((v) => v === 'unchanged').length,
        conflicts: verdicts.filter((v) => v === 'conflict').length,
      };
    },
  };
}
