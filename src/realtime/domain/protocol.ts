/**
 * The WebSocket protocol, both ways. API Gateway picks the route from `$request.body.action`
 * (`subscribe`, `unsubscribe`, `ping`; anything else, or a frame that is not JSON, goes to
 * `$default`); the handler still validates the whole frame. Every answer is one JSON text frame.
 */
import * as z from '../../shared/zod';

/** The largest frame the handler reads (API Gateway: 32 KB frames, 128 KB messages). */
export const MAX_CLIENT_FRAME_BYTES = 4096;

export const ROUTE_ACTIONS = ['subscribe', 'unsubscribe', 'ping'] as const;
export type RouteAction = (typeof ROUTE_ACTIONS)[number];

export const subscribeFrame = z.strictObject({
  action: z.literal('subscribe'),
  channel: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The id of the last event received on this channel: events after it (up to an hour old) are sent first. */
  lastEventId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});
export const unsubscribeFrame = z.strictObject({
  action: z.literal('unsubscribe'),
  channel: z.string().check(z.minLength(1), z.maxLength(200)),
});
export const pingFrame = z.strictObject({ action: z.literal('ping') });

export type SubscribeFrame = z.infer<typeof subscribeFrame>;
export type UnsubscribeFrame = z.infer<typeof unsubscribeFrame>;

export type ErrorCode =
  | 'invalid-frame'
  | 'unknown-action'
  | 'unknown-channel'
  | 'forbidden-channel'
  | 'not-subscribed'
  | 'resume-unavailable';

/** What the server sends (besides events, which `eventFrame` builds without re-serialising the envelope). */
export type ServerFrame =
  | { type: 'subscribed'; channel: string; resumed: number; lastSeq: number }
  | { type: 'unsubscribed'; channel: string }
  | { type: 'pong'; time: string }
  | { type: 'error'; code: ErrorCode; message: string; channel?: string };

export const frame = (value: ServerFrame): string => JSON.stringify(value);

/**
 * An event frame: `{"type":"event","channel":..,"seq":..,"event":<the CloudEvents envelope>}`.
 * `event` is the very body webhooks carry (stored once in the channel log); `seq` numbers the
 * channel's events 1, 2, 3 ... without gaps, so a client can tell a gap from silence.
 */
export function eventFrame(channel: string, seq: number, envelopeJson: string): string {
  return `{"type":"event","channel":${JSON.stringify(channel)},"seq":${seq},"event":${envelopeJson}}`;
}

export type ParsedFrame =
  | { kind: 'subscribe'; frame: SubscribeFrame }
  | { kind: 'unsubscribe'; frame: UnsubscribeFrame }
  | { kind: 'ping' }
  | { kind: 'invalid'; code: 'invalid-frame' | 'unknown-action'; message: string };

/** Reads a client frame; never throws (bad input gets an error frame, never a 5xx). */
export function parseClientFrame(body: string | null | undefined): ParsedFrame {
  if (!body) return { kind: 'invalid', code: 'invalid-frame', message: 'empty frame: send a JSON object' };
  if (Buffer.byteLength(body, 'utf8') > MAX_CLIENT_FRAME_BYTES) {
    return {
      kind: 'invalid',
      code: 'invalid-frame',
      message: `frames are at most ${MAX_CLIENT_FRAME_BYTES} bytes`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {
      kind: 'invalid',
      code: 'invalid-frame',
      message: 'not JSON: send {"action":"subscribe","channel":"..."}',
    };
  }
  const action = (value as { action?: unknown } | null)?.action;
  const issues = (error: z.core.$ZodError) =>
    error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
  if (action === 'subscribe') {
    const parsed = subscribeFrame.safeParse(value);
    return parsed.success
      ? { kind: 'subscribe', frame: parsed.data }
      : { kind: 'invalid', code: 'invalid-frame', message: issues(parsed.error) };
  }
  if (action === 'unsubscribe') {
    const parsed = unsubscribeFrame.safeParse(value);
    return parsed.success
      ? { kind: 'unsubscribe', frame: parsed.data }
      : { kind: 'invalid', code: 'invalid-frame', message: issues(parsed.error) };
  }
  if (action === 'ping') {
    const parsed = pingFrame.safeParse(value);
    return parsed.success
      ? { kind: 'ping' }
      : { kind: 'invalid', code: 'invalid-frame', message: issues(parsed.error) };
  }
  return {
    kind: 'invalid',
    code: 'unknown-action',
    message: `unknown action: use one of ${ROUTE_ACTIONS.join(', ')} ({"action":"subscribe","channel":"supplier:<id>:reviews"})`,
  };
}
