/** The body and answer of POST /v1/realtime/tokens (the route table and the OpenAPI document read them). */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { REF } from './channels';

export const realtimeTokenBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      weddingId: z
        .optional(z.string().check(z.regex(new RegExp(`^${REF}$`), '1..128 letters, digits and . _ : -')))
        .check(
          z.describe(
            "Only the WedSync app's key: the wedding its signed-in couple follows (schedule and budget channels).",
          ),
        ),
    })
    .check(z.meta({ id: 'RealtimeTokenRequest', examples: [{}, { weddingId: 'wed-2027-0614' }] })),
);

export const realtimeTokenResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      token: z
        .string()
        .check(z.describe('Pass it as `?token=` when opening the WebSocket; good for one connection setup.')),
      expiresAt: z.string().check(z.describe('When the token stops opening connections (5 minutes).')),
      channels: z
        .array(z.string())
        .check(z.describe('The channels a connection opened with it may subscribe to.')),
    })
    .check(
      z.meta({
        id: 'RealtimeToken',
        examples: [
          {
            token:
              'wrc_eyJ2IjoxLCJrIjoicyIsImlkIjoic3VwXzEiLCJleHAiOjE3OTk5OTk5OTl9.x4mFQ0ZkQ0x8bGk8Y2b6yq0h2mJ9o5m1lVYcKc3WJ1A',
            expiresAt: '2026-12-03T17:05:00.000Z',
            channels: ['supplier:sup_1:reviews'],
          },
        ],
      }),
    ),
);
export type RealtimeTokenBody = z.infer<ReturnType<typeof realtimeTokenBody>>;
