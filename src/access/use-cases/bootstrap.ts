/**
 * Day one after the deploy (issue 11): the platform's own tenant and the first operator's key, each
 * made once. The tenant `wedsync-app` (PLATFORM_SUPPLIER_ID) is the WedSync app's account: budget
 * events are attributed to it, and its key registers the app's webhook endpoints and asks for
 * couples' real-time tokens. A second run finds both and creates nothing, so no key is ever shown
 * twice. The ops key is added on the version of the operators' key list it read (ports.ts), so two
 * runs at once still make one; the tenant is checked, then created, by one operator's command.
 */
import { PLATFORM_SUPPLIER_ID } from '../../events';
import { issueApiKey } from '../domain/api-keys';
import { isUsable } from '../domain/key-lifecycle';
import type { ApiKeyStore, KeyOwner, UsageKeyRegistry } from '../ports';
import { createSupplierWithKey, type SupplierKeyStore } from './create-supplier';

/** The tenant's display name (as ADR 0005 created it by hand). */
export const PLATFORM_TENANT_NAME = 'WedSync app';

const ATTEMPTS = 3;
const OPS: KeyOwner = { kind: 'ops' };

export interface BootstrapDeps {
  readonly tenants: SupplierKeyStore & { supplierName(supplierId: string): Promise<string | undefined> };
  readonly apiKeys: ApiKeyStore;
  readonly now: () => Date;
  /** Where the tenant's usage key is registered (ADR 0036); the local mode's by default. */
  readonly usageKeys?: UsageKeyRegistry;
}

export type TenantOutcome =
  | {
      readonly status: 'created';
      readonly supplierId: string;
      readonly keyId: string;
      readonly apiKey: string;
    }
  | { readonly status: 'exists'; readonly supplierId: string; readonly name: string };

export type OpsKeyOutcome =
  | {
      readonly status: 'created';
      readonly operator: string;
      readonly keyId: string;
      readonly createdAt: string;
      readonly apiKey: string;
    }
  /** Usable ops keys exist already: their ids (never a key). */
  | { readonly status: 'exists'; readonly activeKeyIds: readonly string[] };

export interface BootstrapResult {
  readonly tenant: TenantOutcome;
  readonly opsKey: OpsKeyOutcome;
}

export async function bootstrapPlatform(
  input: { readonly operator: string },
  deps: BootstrapDeps,
): Promise<BootstrapResult> {
  return { tenant: await ensureTenant(deps), opsKey: await ensureFirstOpsKey(input.operator, deps) };
}

async function ensureTenant(deps: BootstrapDeps): Promise<TenantOutcome> {
  const name = await deps.tenants.supplierName(PLATFORM_SUPPLIER_ID);
  if (name !== undefined) return { status: 'exists', supplierId: PLATFORM_SUPPLIER_ID, name };
  const created = await createSupplierWithKey(
    deps.tenants,
    { name: PLATFORM_TENANT_NAME, supplierId: PLATFORM_SUPPLIER_ID },
    deps.now(),
    deps.usageKeys,
  );
  return { status: 'created', ...created };
}

/** The first ops key: made only while no ops key is usable (revoked and expired ones do not count). */
async function ensureFirstOpsKey(operator: string, deps: BootstrapDeps): Promise<OpsKeyOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const now = deps.now();
    const { keys, version } = await deps.apiKeys.listKeys(OPS);
    const active = keys.filter((key) => isUsable(key, now)).map((key) => key.keyId);
    if (active.length > 0) return { status: 'exists', activeKeyIds: active };
    const issued = issueApiKey();
    const createdAt = now.toISOString();
    const outcome = await deps.apiKeys.addKey(
      OPS,
      { keyId: issued.keyId, keyHash: issued.keyHash, label: operator, createdAt },
      version,
    );
    if (outcome === 'ok') {
      return { status: 'created', operator, keyId: issued.keyId, createdAt, apiKey: issued.apiKey };
    }
    // Another change to the operators' keys came first (perhaps another bootstrap): read again.
  }
  throw new Error("the operators' key list kept changing during the bootstrap; run it again");
}
