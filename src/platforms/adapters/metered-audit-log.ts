/**
 * An AuditLog that also counts, per platform, the entries that need someone's attention: a
 * connection that became `reauth-required` (appended by the token provider) raises
 * `ConnectionsReauthRequired`, which the re-auth alarm watches. Counted after the entry is written.
 */
import type { AuditEntry } from '../domain/audit';
import type { ConnectedPlatform } from '../domain/platform';
import type { AuditLog } from '../ports';

export interface AuditEventMetrics {
  reauthRequired(platform: ConnectedPlatform, count: number): void;
}

export class MeteredAuditLog implements AuditLog {
  constructor(
    private readonly inner: AuditLog,
    private readonly metrics: AuditEventMetrics,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    await this.inner.append(entries);
    const counts = new Map<ConnectedPlatform, number>();
    for (const entry of entries) {
      if (entry.action.kind === 'reauth-required')
        counts.set(entry.platform, (counts.get(entry.platform) ?? 0) + 1);
    }
    for (const [platform, count] of counts) this.metrics.reauthRequired(platform, count);
  }
}
