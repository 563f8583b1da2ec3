/**
 * What every platform connector does around one HTTP call: the API root from its options, a page
 * size within the platform's bounds, and the call itself (the token as a Bearer header, the answer
 * returned when it succeeded, otherwise thrown as a PlatformCallError classified by the platform's
 * own rules). The connectors differ only in their URLs, their bodies and their classification.
 */
import { PlatformCallError } from '../domain/platform';
import type { ConnectedPlatform, PlatformFailure, PlatformOperation } from '../domain/platform';
import type { CallContext, Credentials, PlatformHttp, PlatformHttpResponse } from '../ports';
import { bearerRequest } from './platform-wire';

/** The configured API root (production when none), without trailing slashes. */
export function apiRoot(configured: string | undefined, production: string): string {
  return (configured ?? production).replace(/\/+$/, '');
}

/** The requested page size as a whole number in 1..max; `max` (the platform's largest page) by default. */
export function pageSizeWithin(requested: number | undefined, max: number): number {
  return Math.min(max, Math.max(1, Math.floor(requested ?? max)));
}

export const isSuccessStatus = (response: PlatformHttpResponse): boolean =>
  response.status >= 200 && response.status < 300;

export interface PlatformCall {
  readonly platform: ConnectedPlatform;
  readonly operation: PlatformOperation;
  readonly credentials: Credentials;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly body?: { readonly text: string; readonly contentType: string };
  /** What the audited HTTP client records the call under. */
  readonly context: CallContext;
  /** Why a failed answer failed, in the platform's terms (retry later, re-authorise, permanent...). */
  readonly classify: (response: PlatformHttpResponse) => PlatformFailure;
  /** Whether the answer succeeded; a 2xx by default (Graph can put an error in a 200). */
  readonly succeeded?: (response: PlatformHttpResponse) => boolean;
  /** A failed answer the caller reads itself rather than throws (a 404 that means "gone"). */
  readonly answers?: (response: PlatformHttpResponse) => boolean;
  /** Sees every answer first, failures included (quota headers come on errors too). */
  readonly onAnswer?: (response: PlatformHttpResponse) => void;
}

/** Sends the call; returns the answer when it succeeded (or `answers` keeps it), throws the classified failure otherwise. */
export async function callPlatform(http: PlatformHttp, call: PlatformCall): Promise<PlatformHttpResponse> {
  const response = await http.request(
    bearerRequest(call.credentials, call.method, call.url, call.body),
    call.context,
  );
  call.onAnswer?.(response);
  if ((call.succeeded ?? isSuccessStatus)(response)) return response;
  if (call.answers?.(response)) return response;
  throw new PlatformCallError(call.platform, call.operation, call.classify(response), response.status);
}
