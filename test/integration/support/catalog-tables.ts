/**
 * The catalog's tables in the suite's shared DynamoDB Local, for tests of one adapter: a document
 * client on them and each table's name, made once per file and released after it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../../local/resources';
import { tableDefinition, type TableId } from '../../../src/catalog/tables';
import { acquireStore } from './shared-store';

export interface CatalogTables {
  readonly doc: DynamoDBDocumentClient;
  /** The low-level client under `doc` (for adapters that read with it). */
  readonly client: DynamoDBClient;
  tableName(id: TableId): string;
  release(): Promise<void>;
}

/**
 * Creates the catalog tables `only` names, as the catalog defines them, under a fresh prefix
 * (`label` names it in the store's logs): a test of one adapter creates the tables it uses, not all
 * twenty-one (their creation and deletion were most of such a file's time).
 */
export async function openCatalogTables(label: string, only: readonly TableId[]): Promise<CatalogTables> {
  const store = await acquireStore(label);
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: store.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const env = await createTables(client, store.tablePrefix, { only });
  return {
    doc: DynamoDBDocumentClient.from(client),
    client,
    tableName: (id) => {
      const name = env[tableDefinition(id).envVar];
      if (!name) throw new Error(`${id} was not opened: add it to openCatalogTables' list`);
      return name;
    },
    release: async () => {
      client.destroy();
      await store.release();
    },
  };
}
