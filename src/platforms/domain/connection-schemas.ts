/** Request and response schemas of the connection routes (the route table and OpenAPI read them). */
import * as z from '../../shared/zod';
import { lazy, lazyRecord } from '../../shared/lazy';
import { CONNECTED_PLATFORMS } from './platform';

const externalId = /* @__PURE__ */ lazy(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(200),
      z.regex(/^[A-Za-z0-9_\-.:/]+$/, 'letters, digits and _ - . : / only'),
    ),
);

export const startConnectionBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      platform: z.enum(CONNECTED_PLATFORMS),
      businessId: z
        .optional(externalId())
        .check(z.describe('Yelp only: the business id (Yelp has no OAuth).')),
      businessUnitId: z
        .optional(externalId())
        .check(z.describe('Trustpilot only: the business unit to sync.')),
      authorBusinessUserId: z
        .optional(externalId())
        .check(
          z.describe(
            'Trustpilot only, optional: the business user replies are written as (Trustpilot requires one per reply ' +
              'and offers no documented way to look it up); set or change it later with PATCH /v1/connections/{connectionId}.',
          ),
        ),
    })
    .check(
      z.superRefine((body, ctx) => {
        const needs =
          body.platform === 'yelp'
            ? 'businessId'
            : body.platform === 'trustpilot'
              ? 'businessUnitId'
              : undefined;
        if (needs && body[needs] === undefined) {
          ctx.addIssue({ code: 'custom', path: [needs], message: `required for ${body.platform}` });
        }
        if (body.platform !== 'trustpilot' && body.authorBusinessUserId !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['authorBusinessUserId'],
            message: `not used for ${body.platform}`,
          });
        }
        for (const field of ['businessId', 'businessUnitId'] as const) {
          if (field !== needs && body[field] !== undefined) {
            ctx.addIssue({ code: 'custom', path: [field], message: `not used for ${body.platform}` });
          }
        }
      }),
      z.meta({
        examples: [{ platform: 'google' }, { platform: 'yelp', businessId: 'rose-garden-weddings-bath' }],
      }),
    ),
);
export type StartConnectionRequest = z.infer<ReturnType<typeof startConnectionBody>>;

/** PATCH /v1/connections/{connectionId}: the settings a supplier may set on a connection. */
export const updateConnectionBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      authorBusinessUserId: externalId().check(
        z.describe(
          'Trustpilot only: the business user replies are written as (`authorBusinessUserId` of the reply call).',
        ),
      ),
    })
    .check(z.meta({ examples: [{ authorBusinessUserId: '507f191e810c19729de860eb' }] })),
);
export type UpdateConnectionRequest = z.infer<ReturnType<typeof updateConnectionBody>>;

export const chooseLocationsBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      locationIds: z
        .array(externalId())
        .check(z.maxLength(100), z.describe('Locations to sync: ids from `availableLocations`.')),
    })
    .check(z.meta({ examples: [{ locationIds: ['accounts/100/locations/1001'] }] })),
);
export type ChooseLocationsRequest = z.infer<ReturnType<typeof chooseLocationsBody>>;

/** What the platform appends to the callback (Google adds scope, authuser, prompt, hd, iss). */
const param = /* @__PURE__ */ lazy(() => z.optional(z.string().check(z.maxLength(2048))));
export const oauthCallbackQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    code: param(),
    state: param(),
    error: param(),
    error_description: param(),
    error_reason: param(),
    error_code: param(),
    error_message: param(),
    scope: param(),
    authuser: param(),
    prompt: param(),
    hd: param(),
    iss: param(),
  }),
);
export type OAuthCallbackQuery = z.infer<ReturnType<typeof oauthCallbackQuery>>;

const location = /* @__PURE__ */ lazy(() =>
  z.object({
    locationId: z.string(),
    name: z.optional(z.string()),
    lastSyncAt: z.optional(z.string()),
  }),
);
const connectionShape = /* @__PURE__ */ lazy(() => ({
  connectionId: z.string(),
  platform: z.enum(CONNECTED_PLATFORMS),
  status: z.enum(['pending', 'active', 'reauth-required', 'unsupported', 'disconnected']),
  statusReason: z.optional(z.string()),
  accountId: z.optional(z.string()),
  authorBusinessUserId: z
    .optional(z.string())
    .check(
      z.describe(
        'Trustpilot: the business user replies are written as; without it replies fail (set it with PATCH).',
      ),
    ),
  locations: z.array(location()),
  availableLocations: z.optional(z.array(z.object({ locationId: z.string(), name: z.optional(z.string()) }))),
  createdAt: z.string(),
  updatedAt: z.string(),
}));
const exampleConnection = {
  connectionId: 'con_01hz8x3k5m7n9p2q4r6s8t0v2w',
  platform: 'google',
  status: 'active',
  accountId: 'accounts/100',
  locations: [{ locationId: 'accounts/100/locations/1001', name: 'Rose Garden Weddings - Bath' }],
  availableLocations: [
    { locationId: 'accounts/100/locations/1001', name: 'Rose Garden Weddings - Bath' },
    { locationId: 'accounts/100/locations/1002', name: 'Rose Garden Weddings - Bristol' },
  ],
  createdAt: '2026-06-20T10:00:00.000Z',
  updatedAt: '2026-06-20T10:01:00.000Z',
};

export const connectionResponse = /* @__PURE__ */ lazy(() =>
  z.object(connectionShape()).check(
    z.meta({
      id: 'Connection',
      description: 'A connection to a review platform account (never its tokens).',
      examples: [exampleConnection],
    }),
  ),
);

export const connectionStartedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      connection: connectionResponse(),
      authorizationUrl: z
        .optional(z.string())
        .check(z.describe('Send the supplier here to consent (absent for Yelp, which is active at once).')),
    })
    .check(
      z.meta({
        id: 'ConnectionStarted',
        examples: [
          {
            connection: {
              ...exampleConnection,
              status: 'pending',
              locations: [],
              availableLocations: undefined,
              accountId: undefined,
            },
            authorizationUrl:
              'https://accounts.google.com/o/oauth2/v2/auth?response_type=code&client_id=...&code_challenge_method=S256&state=...',
          },
        ],
      }),
    ),
);

export const connectionListResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({ items: z.array(connectionResponse()) })
    .check(z.meta({ id: 'ConnectionList', examples: [{ items: [exampleConnection] }] })),
);

/** The request schemas of the connection routes, for the route table. */
export const platformRoutesSchemas = /* @__PURE__ */ lazyRecord({
  startConnectionBody,
  chooseLocationsBody,
  updateConnectionBody,
  oauthCallbackQuery,
});

/** The response schemas of the connection routes (each with an id and an example), for the route table. */
export const platformRoutesResponses = /* @__PURE__ */ lazyRecord({
  connection: connectionResponse,
  connectionStarted: connectionStartedResponse,
  connectionList: connectionListResponse,
});
