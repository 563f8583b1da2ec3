/**
 * The fake platforms as senders: delivers a notification the fakes build (Facebook's challenge
 * GET and signed Page webhooks, Google's Pub/Sub pushes, Trustpilot's webhooks; correctly signed,
 * or with a bad signature or token as a fault) to our public notification route, byte for byte,
 * as the platform would: the query on the URL, the headers, the raw body unchanged.
 */
import type { ConnectedPlatform, InboundNotification } from '../../src/platforms';

/** The route the platforms are configured to call (src/catalog/routes.ts). */
export const notificationPath = (platform: ConnectedPlatform | string): string =>
  `/v1/platforms/${encodeURIComponent(platform)}/notifications`;

/** The URL to register with a platform: the route, with the platform's query (e.g. `token`). */
export function notificationUrl(
  apiUrl: string,
  platform: ConnectedPlatform | string,
  query: Readonly<Record<string, string | undefined>> = {},
): string {
  const url = new URL(`${apiUrl}${notificationPath(platform)}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

export interface DeliveryAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/** Sends `request` to the API at `apiUrl` as the platform would; the answer as text. */
export async function deliverNotification(
  apiUrl: string,
  platform: ConnectedPlatform | string,
  request: InboundNotification,
): Promise<DeliveryAnswer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value;
  const response = await fetch(notificationUrl(apiUrl, platform, request.query), {
    method: request.method,
    headers,
    ...(request.method === 'POST' ? { body: new Uint8Array(request.rawBody) } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}
