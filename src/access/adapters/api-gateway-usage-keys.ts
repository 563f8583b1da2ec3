/**
 * Supplier usage keys in API Gateway (ADR 0036): one API key per supplier in every region, its
 * value the supplier's usage identifier key, attached to the region's `suppliers` usage plan, so the
 * key the authorizer returns is one the plan meters (a key in no plan is refused 403).
 *
 * Idempotent, so a command that failed half-way can simply be run again: a key is found by its
 * name (`supplier-<supplierId>`) before one is created, and attaching a key the plan already holds
 * (ConflictException) is success. The key's value is sent to API Gateway and nowhere else: never
 * logged, never part of an error message from here.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import type { UsageKeyRegistry } from '../ports';

/** Where one region's key goes: that region's client and the name of its `suppliers` plan. */
export interface UsagePlanRegion {
  readonly region: string;
  readonly client: APIGatewayClient;
  readonly planName: string;
}

export const supplierUsageKeyName = (supplierId: string): string => `supplier-${supplierId}`;

const isConflict = (error: unknown): boolean => (error as { name?: unknown })?.name === 'ConflictException';

export class ApiGatewayUsageKeys implements UsageKeyRegistry {
  private readonly planIds = new Map<string, string>();

  constructor(private readonly regions: readonly UsagePlanRegion[]) {
    if (regions.length === 0) throw new Error('ApiGatewayUsageKeys needs at least one region');
  }

  async register(input: { readonly supplierId: string; readonly usageKey: string }): Promise<void> {
    // One region after the other: a failure names its region, and a re-run skips what is done.
    for (const region of this.regions) {
      try {
        const usagePlanId = await this.planId(region);
        const keyId = await this.keyId(region, input);
        try {
          await region.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
      } catch (error) {
        throw new Error(
          `usage key of ${input.supplierId} not registered in ${region.region} (${String(
            (error as { name?: unknown })?.name ?? 'Error',
          )}); run the command again`,
          { cause: error },
        );
      }
    }
  }

  private async planId(region: UsagePlanRegion): Promise<string> {
    const known = this.planIds.get(region.region);
    if (known) return known;
    let position: string | undefined;
    do {
      const page = await region.client.send(new GetUsagePlansCommand({ limit: 500, position }));
      const found = page.items?.find((plan) => plan.name === region.planName);
      if (found?.id) {
        this.planIds.set(region.region, found.id);
        return found.id;
      }
      position = page.position;
    } while (position);
    throw new Error(`no usage plan named ${region.planName} in ${region.region}: is the API stack deployed?`);
  }

  /** The supplier's API key in this region: found by name, else created with the usage key's value. */
  private async keyId(
    region: UsagePlanRegion,
    input: { readonly supplierId: string; readonly usageKey: string },
  ): Promise<string> {
    const name = supplierUsageKeyName(input.supplierId);
    let position: string | undefined;
    do {
      const page = await region.client.send(
        new GetApiKeysCommand({ nameQuery: name, includeValues: false, limit: 500, position }),
      );
      const found = page.items?.find((key) => key.name === name);
      if (found?.id) return found.id;
      position = page.position;
    } while (position);
    const created = await region.client.send(
      new CreateApiKeyCommand({
        name,
        value: input.usageKey,
        enabled: true,
        description: `Usage identifier of supplier ${input.supplierId} (ADR 0036); not a credential`,
      }),
    );
    if (!created.id) throw new Error(`CreateApiKey returned no id in ${region.region}`);
    return created.id;
  }
}
