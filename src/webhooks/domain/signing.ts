/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, symmetric scheme `v1`).
 *
 * - Secrets are `whsec_<base64>` of 24..64 random bytes; we generate 32.
 * - The signed content is `${webhookId}.${timestampSeconds}.${body}` (the exact body bytes sent).
 * - A signature is `v1,<base64 HMAC-SHA256>`; the `webhook-signature` header is a space-separated
 *   list, so during a secret rotation the message is signed with the new and the old secret and a
 *   receiver holding either one verifies it.
 * - `webhook-id` identifies the event and stays the same on every retry; `webhook-timestamp` is
 *   the time of the attempt (integer Unix seconds), so each retry is signed afresh.
 *
 * Pure apart from `randomBytes`, which is injectable (defaults to node:crypto).
 */
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** Bytes of entropy in a secret we generate. */
export const GENERATED_SECRET_BYTES = 32;
/** The spec's bounds on a symmetric secret: at least 24 bytes, at most 64. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
/** Default overlap during which the previous secret keeps signing after a rotation (24 h). */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60;

export const HEADER_ID = 'webhook-id';
export const HEADER_TIMESTAMP = 'webhook-timestamp';
export const HEADER_SIGNATURE = 'webhook-signature';

export type RandomBytes = (size: number) => Uint8Array;

export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

export class InvalidSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSecretError';
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Printable ASCII without space or full stop: the id is part of the `.`-delimited signed content. */
const MESSAGE_ID = /^[\x21-\x2d\x2f-\x7e]{1,256}$/;

/** A new `whsec_` secret of 32 random bytes. */
export function generateSecret(randomBytes: RandomBytes = nodeRandomBytes): string {
  const bytes = randomBytes(GENERATED_SECRET_BYTES);
  if (bytes.length !== GENERATED_SECRET_BYTES) throw new Error('randomBytes returned the wrong length');
  return SECRET_PREFIX + Buffer.from(bytes).toString('base64');
}

/** The key bytes of a `whsec_` secret; throws InvalidSecretError when malformed or of the wrong size. */
export function decodeSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX))
    throw new InvalidSecretError(`secret must start with ${SECRET_PREFIX}`);
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) throw new InvalidSecretError('secret is not valid base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidSecretError(
      `secret must be ${MIN_SECRET_BYTES}..${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

export function isValidSecret(secret: string): boolean {
  try {
    decodeSecret(secret);
    return true;
  } catch {
    return false;
  }
}

/** A new webhook message id, `msg_` + 16 random bytes in base64url (no `.`). */
export function newMessageId(randomBytes: RandomBytes = nodeRandomBytes): string {
  return 'msg_' + Buffer.from(randomBytes(16)).toString('base64url');
}

function assertMessageId(id: string): void {
  if (!MESSAGE_ID.test(id)) {
    throw new Error('webhook id must be 1..256 printable ASCII characters without spaces or full stops');
  }
}

function assertTimestamp(timestampSeconds: number): void {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error('webhook timestamp must be a non-negative integer number of seconds');
  }
}

/** One signature, `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`. */
export function sign(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  assertMessageId(webhookId);
  assertTimestamp(timestampSeconds);
  const mac = createHmac('sha256', decodeSecret(secret));
  mac.update(`${webhookId}.${timestampSeconds}.`, 'utf8');
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `v1,${mac.digest('base64')}`;
}

export interface SignRequest {
  /** The event's webhook id: the same on every retry of the event. */
  readonly webhookId: string;
  /** Time of this attempt, epoch milliseconds (truncated to whole seconds). */
  readonly nowMs: number;
  /** The exact request body that will be sent. */
  readonly body: string | Uint8Array;
  /** Secrets to sign with, newest first (one, or two during a rotation overlap). */
  readonly secrets: readonly string[];
}

/** The three Standard Webhooks headers; one `v1` signature per secret, space-separated. */
export function buildWebhookHeaders(request: SignRequest): WebhookHeaders {
  if (request.secrets.length === 0) throw new InvalidSecretError('at least one secret is required');
  const timestampSeconds = Math.floor(request.nowMs / 1000);
  const unique = [...new Set(request.secrets)];
  const signatures = unique.map((s) => sign(s, request.webhookId, timestampSeconds, request.body));
  return {
    [HEADER_ID]: request.webhookId,
    [HEADER_TIMESTAMP]: String(timestampSeconds),
    [HEADER_SIGNATURE]: signatures.join(' '),
  };
}

/**
 * An endpoint's signing secrets. After a rotation the previous secret keeps signing until
 * `previousExpiresAtMs`, so receivers can switch secrets without dropping a delivery.
 */
export interface EndpointSecrets {
  readonly current: string;
  readonly previous?: { readonly secret: string; readonly expiresAtMs: number };
}

/** Replace the current secret; the old one signs alongside the new one for `overlapSeconds`. */
export function rotateSecret(
  secrets: EndpointSecrets,
  newSecret: string,
  nowMs: number,
  overlapSeconds: number = DEFAULT_ROTATION_OVERLAP_SECONDS,
): EndpointSecrets {
  decodeSecret(newSecret);
  if (!Number.isFinite(overlapSeconds) || overlapSeconds < 0) throw new Error('overlapSeconds must be >= 0');
  if (overlapSeconds === 0) return { current: newSecret };
  return {
    current: newSecret,
    previous: { secret: secrets.current, expiresAtMs: nowMs + overlapSeconds * 1000 },
  };
}

/** The secrets to sign with at `nowMs`: the current one, then the previous one while it has not expired. */
export function activeSigningSecrets(secrets: EndpointSecrets, nowMs: number): string[] {
  const active = [secrets.current];
  if (
    secrets.previous &&
    nowMs < secrets.previous.expiresAtMs &&
    secrets.previous.secret !== secrets.current
  ) {
    active.push(secrets.previous.secret);
  }
  return active;
}

/** Sign one delivery attempt of an event for an endpoint. */
export function signDelivery(args: {
  readonly webhookId: string;
  readonly body: string;
  readonly secrets: EndpointSecrets;
  readonly nowMs: number;
}): WebhookHeaders {
  return buildWebhookHeaders({
    webhookId: args.webhookId,
    nowMs: args.nowMs,
    body: args.body,
    secrets: activeSigningSecrets(args.secrets, args.nowMs),
  });
}
