/**
 * Real HTTP receivers on 127.0.0.1 (free ports, closed after) that verify every request with the
 * `standardwebhooks` package and count what they get, by behaviour:
 * healthy (204), flaky (every other request 500), mostly-failing (500 except every 10th request:
 * fails 90 %), always 500, slow (answers after `slowMs`), gone (410), redirect (302 to a private
 * address). The flaky and mostly-failing patterns count all requests of the receiver, whichever
 * delivery they belong to.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceiverKind =
  'healthy' | 'flaky' | 'mostly-failing' | 'always-500' | 'slow' | 'gone' | 'redirect';

export interface Receiver {
  readonly kind: ReceiverKind;
  readonly url: string;
  /** Secrets this receiver verifies with (set after registration). */
  secrets: string[];
  /** Requests received (verified or not). */
  requests: number;
  /** Requests whose signature did not verify with any of `secrets`. */
  unverified: number;
  /** Verified requests per webhook-id. */
  readonly byWebhookId: Map<string, number>;
  /** Parsed bodies of verified requests, by webhook-id (first copy). */
  readonly bodies: Map<string, Record<string, unknown>>;
  /** How many requests each one of `secrets` alone verified. */
  readonly verifiedBySecret: Map<string, number>;
  /** `webhook-signature` headers seen, in order. */
  readonly signatureHeaders: string[];
  close(): Promise<void>;
}

export async function startReceiver(
  kind: ReceiverKind,
  options: { slowMs?: number } = {},
): Promise<Receiver> {
  const timers = new Set<NodeJS.Timeout>();
  const receiver: Omit<Receiver, 'url' | 'close'> = {
    kind,
    secrets: [],
    requests: 0,
    unverified: 0,
    byWebhookId: new Map(),
    bodies: new Map(),
    verifiedBySecret: new Map(),
    signatureHeaders: [],
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receiver.requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.signatureHeaders.push(String(req.headers['webhook-signature']));
      const verifiedWith = receiver.secrets.filter((secret) => {
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
      for (const secret of verifiedWith) {
        receiver.verifiedBySecret.set(secret, (receiver.verifiedBySecret.get(secret) ?? 0) + 1);
      }
      const verified = verifiedWith.length > 0;
      if (!verified) {
        receiver.unverified += 1;
        res.writeHead(401).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      const answer = (status: number, headers: Record<string, string> = {}) => {
        if (status >= 200 && status < 300) {
          receiver.byWebhookId.set(id, (receiver.byWebhookId.get(id) ?? 0) + 1);
          if (!receiver.bodies.has(id)) receiver.bodies.set(id, JSON.parse(body) as Record<string, unknown>);
        }
        res.writeHead(status, headers).end(status === 204 ? undefined : 'response body');
      };
      switch (kind) {
        case 'healthy':
          return answer(204);
        case 'flaky':
          return answer(receiver.requests % 2 === 0 ? 500 : 204);
        case 'mostly-failing':
          return answer(receiver.requests % 10 === 0 ? 204 : 500);
        case 'always-500':
          return answer(500);
        case 'gone':
          return answer(410);
        case 'redirect':
          return answer(302, { location: 'http://10.0.0.1/internal' });
        case 'slow': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) answer(204);
          }, options.slowMs ?? 3000);
          timers.add(timer);
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/${kind}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Webhook ids a receiver got more than once (before its own deduplication). */
export const duplicatesOf = (receiver: Receiver): number =>
  [...receiver.byWebhookId.values()].filter((n) => n > 1).length;
