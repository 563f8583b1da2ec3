/**
 * The API description against the running local mode (the same handlers as Lambda): the document
 * is served without credentials, every route's real success answer validates against the
 * response schema documented for its status (ajv, JSON Schema 2020-12, no undocumented fields),
 * and real error answers validate against ProblemDetails under a status the operation documents.
 */
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/catalog/openapi';
import { ROUTES, type OperationId } from '../../src/catalog/routes';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { DynamoAuditLog } from '../../src/platforms/adapters/dynamo-audit-log';
import { newAuditId } from '../../src/platforms';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_FACEBOOK_PAGE,
  DEMO_GOOGLE_LOCATIONS,
  DEMO_TRUSTPILOT_BUSINESS_USER,
  DEMO_TRUSTPILOT_UNIT,
  startDemoPlatforms,
  type DemoPlatforms,
} from '../../local/platform-fakes/demo';
import { schemaValidator, type SchemaValidator } from '../support/openapi';
import { deliverNotification, notificationPath } from '../../local/platform-fakes/notifications';
import { secretDefinition, type SecretId } from '../../src/catalog/secrets';
import { eventually, startTestStack, type TestStack } from './support/stack';
import { startReceiver, type Receiver } from './webhooks/support/receivers';

jest.setTimeout(120_000);

let stack: TestStack;
let platforms: DemoPlatforms;
let receiver: Receiver;
let supplier: { supplierId: string; apiKey: string };
let opsKey: string;
let document: OpenApiDocument;
let validator: SchemaValidator;
const exercised = new Set<OperationId>();

beforeAll(async () => {
  // The fake platforms, so the connection and reply routes answer their success cases.
  platforms = await startDemoPlatforms({ googleReviews: [2, 1], facebookRatings: 1, trustpilotReviews: 1 });
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify(platforms.origins);
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(mkdtempSync(join(tmpdir(), 'vault-key-')), 'key');
  stack = await startTestStack({ syncSchedule: true });
  receiver = await startReceiver('healthy');
  supplier = await stack.newSupplier('Conformance Florist');
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'conformance'))
    .apiKey;
  const served = await stack.call('GET', '/v1/openapi.json');
  document = served.json as unknown as OpenApiDocument;
  validator = schemaValidator(document);
});

afterAll(async () => {
  await receiver?.close();
  await stack?.cleanup();
  await platforms?.close();
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
});

type Call = Parameters<TestStack['call']>[2];

/** Calls an operation and checks the answer against the document: status, then body schema. */
async function conform(operation: OperationId, path: string, init: Call = {}, status?: number) {
  const route = ROUTES.find((r) => r.operation === operation)!;
  // The route's main answer, or one of its documented alternatives when the caller names its status.
  const answer =
    status === undefined
      ? route.response
      : [route.response, ...(route.response.alternatives ?? [])].find((a) => a.status === status)!;
  expect(answer).toBeDefined();
  const response = await stack.call(route.method, path, init);
  expect({ operation, status: response.status, body: response.json }).toMatchObject({
    status: answer.status,
  });
  if (answer.schema) {
    expect(response.headers.get('content-type')).toBe('application/json');
    const validate = validator.compile(validator.responseSchema(route.path, route.method, response.status));
    expect({ operation, errors: validate(response.json) ? null : validate.errors }).toEqual({
      operation,
      errors: null,
    });
  } else {
    expect(response.json).toEqual({});
  }
  for (const name of Object.keys(answer.headers ?? {})) expect(response.headers.get(name)).toBeTruthy();
  exercised.add(operation);
  return response.json;
}

/** Calls a route expecting a problem, and checks it against what the operation documents. */
async function conformProblem(operation: OperationId, path: string, status: number, init: Call = {}) {
  const route = ROUTES.find((r) => r.operation === operation)!;
  const response = await stack.call(route.method, path, init);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  // Throws if the operation does not document this status.
  const validate = validator.compile(validator.responseSchema(route.path, route.method, status));
  expect(validate(response.json) ? null : validate.errors).toBeNull();
  expect(response.json.status).toBe(status);
  return response;
}

it('serves the document without credentials, as generated from the route table', async () => {
  const response = await stack.call('GET', '/v1/openapi.json');
  expect(response.status).toBe(200);
  expect(response.json).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  await conform('getOpenApiDocument', '/v1/openapi.json');
});

it('serves the reference page at /docs as HTML', async () => {
  const response = await fetch(`${stack.apiUrl}/docs`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  const html = await response.text();
  for (const route of ROUTES) expect(html).toContain(`id="op-${route.operation}"`);
});

it('answers every route with a body that matches its documented response schema', async () => {
  await conform('getOpenApiDocument', '/v1/openapi.json');
  // Deep health (issue 11): public, every dependency of the local stack up.
  await conform('getHealth', '/v1/health');
  // Reviews: a review request, the couple's review with its token, a supplier import.
  const emailed = await conform('createReviewRequest', '/v1/review-requests', {
    key: supplier.apiKey,
    body: { coupleName: 'Jo & Max', email: 'jo@example.com', weddingDate: '2026-06-20' },
  });
  await conform('getReviewRequest', `/v1/review-requests/${String(emailed.requestId)}`, {
    key: supplier.apiKey,
  });
  // A shareable link (201) gives a token to submit a review with.
  const request = await conform(
    'createReviewRequest',
    '/v1/review-requests',
    {
      key: supplier.apiKey,
      body: { coupleName: 'Sam & Alex', weddingDate: '2026-09-12', delivery: 'link' },
    },
    201,
  );
  const endpoint = await conform('createWebhookEndpoint', '/v1/webhook-endpoints', {
    key: supplier.apiKey,
    body: { url: receiver.url, eventTypes: ['review.received'], description: 'conformance' },
  });
  receiver.secrets = [String(endpoint.secret)];
  const accepted = await conform('submitReview', '/v1/reviews', {
    key: String(request.token),
    body: { rating: 5, title: 'Wonderful florist', body: 'Bouquets were perfect.', reviewerName: 'Jo' },
  });
  await conform('submitReview', '/v1/reviews', {
    key: supplier.apiKey,
    body: {
      rating: 1,
      title: 'Late delivery',
      body: 'The flowers came after the ceremony. Call 555-0100 http://x.example',
      reviewerName: 'Sam',
      platform: 'google',
      externalId: 'g-conformance-1',
    },
  });
  await eventually(
    async () =>
      (await stack.call('GET', `/v1/reviews/${accepted.reviewId}`, { key: supplier.apiKey })).status === 200,
    'the couple review stored',
  );
  await conform('getReview', `/v1/reviews/${accepted.reviewId}`, { key: supplier.apiKey });
  await eventually(
    async () =>
      ((await stack.call('GET', '/v1/reviews', { key: supplier.apiKey })).json.items as unknown[]).length ===
      2,
    'both reviews stored',
  );
  const page = await conform('listReviews', '/v1/reviews?limit=1', { key: supplier.apiKey });
  expect(page.nextCursor).toEqual(expect.any(String));
  await conform('listReviews', `/v1/reviews?limit=1&cursor=${encodeURIComponent(String(page.nextCursor))}`, {
    key: supplier.apiKey,
  });
  await conform('getReviewSummary', '/v1/reviews/summary', { key: supplier.apiKey });

  // Models: both tasks (an expense text may abstain and list candidates), and the ops view.
  await conform('classifyTexts', '/v1/classify', {
    key: supplier.apiKey,
    body: { task: 'sentiment', texts: ['Beautiful flowers', 'Never again'] },
  });
  await conform('classifyTexts', '/v1/classify', {
    key: supplier.apiKey,
    body: { task: 'expense-category', texts: ['Deposit for the marquee', 'asdf qwerty'] },
  });
  await conform('getModelsStatus', '/v1/ops/models?hours=1', { key: opsKey });

  // Webhooks: the endpoint, its deliveries (once the review events are delivered), retry, replay.
  const id = String(endpoint.id);
  await conform('listWebhookEndpoints', '/v1/webhook-endpoints', { key: supplier.apiKey });
  await conform('getWebhookEndpoint', `/v1/webhook-endpoints/${id}`, { key: supplier.apiKey });
  await conform('updateWebhookEndpoint', `/v1/webhook-endpoints/${id}`, {
    key: supplier.apiKey,
    body: { description: 'conformance, renamed' },
  });
  let deliveries: { id: string; status: string }[] = [];
  await eventually(async () => {
    const listed = await stack.call('GET', `/v1/webhook-endpoints/${id}/deliveries`, {
      key: supplier.apiKey,
    });
    deliveries = listed.json.items as typeof deliveries;
    return deliveries.length === 2 && deliveries.every((d) => d.status === 'delivered');
  }, 'two deliveries delivered');
  await conform('listWebhookDeliveries', `/v1/webhook-endpoints/${id}/deliveries?limit=5`, {
    key: supplier.apiKey,
  });
  await conform('retryWebhookDelivery', `/v1/deliveries/${deliveries[0]!.id}/retry`, {
    key: supplier.apiKey,
  });
  await eventually(async () => {
    const listed = await stack.call('GET', `/v1/webhook-endpoints/${id}/deliveries`, {
      key: supplier.apiKey,
    });
    return (listed.json.items as { status: string }[]).every((d) => d.status === 'delivered');
  }, 'the retried delivery delivered again');
  const job = await conform('replayWebhookEvents', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 3_600_000).toISOString() },
  });
  await conform('getReplayJob', `/v1/webhook-endpoints/${id}/replays/${String(job.id)}`, {
    key: supplier.apiKey,
  });
  await conform('rotateWebhookSecret', `/v1/webhook-endpoints/${id}/rotate-secret`, { key: supplier.apiKey });
  // During the overlap: the current secret and the previous one with its expiry.
  await conform('getWebhookSecret', `/v1/webhook-endpoints/${id}/secret`, { key: supplier.apiKey });
  await conform('getWebhookEndpoint', `/v1/webhook-endpoints/${id}`, { key: supplier.apiKey });
  await conform('deleteWebhookEndpoint', `/v1/webhook-endpoints/${id}`, { key: supplier.apiKey });

  // Imports: an upload URL, the file PUT there, started, its progress and its (one) rejected row.
  const created = await conform('createImport', '/v1/imports', {
    key: supplier.apiKey,
    body: { platform: 'weddingwire', format: 'csv', filename: 'reviews.csv' },
  });
  const upload = created.upload as { url: string; method: string; headers: Record<string, string> };
  const csv = 'date,rating,author,text\n2025-05-01,5,Jo,Lovely\n2025-05-02,9,Max,Bad rating\n';
  expect(
    (await fetch(upload.url, { method: upload.method, headers: upload.headers, body: csv })).status,
  ).toBe(200);
  const importPath = `/v1/imports/${String(created.importId)}`;
  await conform('startImport', `${importPath}/start`, { key: supplier.apiKey });
  await eventually(
    async () => (await stack.call('GET', importPath, { key: supplier.apiKey })).json.status === 'completed',
    'the import completed',
  );
  await conform('getImport', importPath, { key: supplier.apiKey });
  const errors = await conform('listImportErrors', `${importPath}/errors?limit=5`, { key: supplier.apiKey });
  expect(errors.items).toEqual([{ line: 3, reason: expect.stringMatching(/^rating: /) }]);

  // Platforms: the audit trail (an entry appended as the audited client would) and the health views.
  await new DynamoAuditLog(stack.doc, stack.tableName('Audit'), { retentionDays: 1 }).append([
    {
      auditId: newAuditId(Date.now()),
      supplierId: supplier.supplierId,
      platform: 'google',
      connectionId: 'con_conformance',
      action: { kind: 'call', operation: 'list' },
      at: new Date().toISOString(),
      outcome: 'ok',
      httpStatus: 200,
      latencyMs: 42,
      quotaRemaining: 99,
      correlationId: 'corr_conformance',
      detail: 'GET mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews',
    },
  ]);
  await conform('listAudit', '/v1/audit?limit=5', { key: supplier.apiKey });
  await conform('listOpsAudit', `/v1/ops/audit?supplierId=${supplier.supplierId}`, { key: opsKey });
  await conform('getIntegrationHealth', '/v1/integrations/health', { key: supplier.apiKey });
  await conform('getOpsIntegrationHealth', '/v1/ops/integrations/health', { key: opsKey });

  // Connections: start (Google OAuth at the fake), the public callback, read, choose, and later delete.
  const started = await conform('startConnection', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'google' },
  });
  const consent = await fetch(String(started.authorizationUrl), { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location')!);
  const connection = await conform('completeOAuthCallback', `${callback.pathname}${callback.search}`);
  const connectionPath = `/v1/connections/${String(connection.connectionId)}`;
  await conform('listConnections', '/v1/connections', { key: supplier.apiKey });
  await conform('getConnection', connectionPath, { key: supplier.apiKey });
  await conform('chooseConnectionLocations', `${connectionPath}/locations`, {
    key: supplier.apiKey,
    body: { locationIds: [DEMO_GOOGLE_LOCATIONS[0]] },
  });
  // Replies: to a review synced from that connection.
  await stack.syncSchedule!.runOnce();
  const fakeIds = new Set(platforms.google.reviews(DEMO_GOOGLE_LOCATIONS[0]).map((r) => r.reviewId));
  let synced: string | undefined;
  await eventually(async () => {
    const page = await stack.call('GET', '/v1/reviews?platform=google&limit=100', { key: supplier.apiKey });
    const items = page.json.items as { reviewId: string; externalId?: string }[];
    synced = items.find((r) => r.externalId !== undefined && fakeIds.has(r.externalId))?.reviewId;
    return synced !== undefined;
  }, 'a synced Google review');
  await conform('replyToReview', `/v1/reviews/${synced!}/reply`, {
    key: supplier.apiKey,
    body: { comment: 'Thank you both!' },
  });
  await conform('deleteReviewReply', `/v1/reviews/${synced!}/reply`, { key: supplier.apiKey });
  await conform('deleteConnection', connectionPath, { key: supplier.apiKey });
  // A Trustpilot connection's reply author, set while it waits for consent.
  const trustpilot = await conform('startConnection', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'trustpilot', businessUnitId: DEMO_TRUSTPILOT_UNIT },
  });
  const trustpilotId = String((trustpilot.connection as { connectionId: string }).connectionId);
  await conform('updateConnection', `/v1/connections/${trustpilotId}`, {
    key: supplier.apiKey,
    body: { authorBusinessUserId: DEMO_TRUSTPILOT_BUSINESS_USER },
  });

  // Platform notifications: Facebook's handshake (text/plain, the challenge only) and a signed
  // Page webhook sent by the fake exactly as Facebook would.
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>;
  const secret = (id: SecretId) => secrets[stack.env[secretDefinition(id).envVar]!]![0]!;
  const notifications = '/v1/platforms/{platform}/notifications';
  const handshake = await deliverNotification(
    stack.apiUrl,
    'facebook',
    platforms.facebook.challengeRequest(secret('FacebookVerifyToken'), '1158201444'),
  );
  expect(handshake).toMatchObject({ status: 200, text: '1158201444' });
  expect(handshake.contentType).toMatch(/^text\/plain\b/);
  const challenge = document.paths[notifications]!.get!.responses['200'] as {
    content: Record<string, { schema: Record<string, unknown> }>;
  };
  const validateChallenge = validator.compile(challenge.content['text/plain']!.schema);
  expect(validateChallenge(handshake.text) ? null : validateChallenge.errors).toBeNull();
  exercised.add('verifyPlatformNotifications');
  const signed = platforms.facebook.notification(secret('FacebookAppSecret'), [
    { pageId: DEMO_FACEBOOK_PAGE, storyIds: ['1'] },
  ]);
  await conform('receivePlatformNotification', notificationPath('facebook'), {
    raw: signed.rawBody.toString('utf8'),
    headers: signed.headers as Record<string, string>,
  });

  // API keys and the admin audit trail (issue 9): a second key, the list, the second revoked
  // (the supplier's first key stays for the tests below), the acts.
  const second = await conform('createApiKey', '/v1/api-keys', {
    key: supplier.apiKey,
    body: { label: 'conformance', expiresInDays: 30 },
  });
  await conform('listApiKeys', '/v1/api-keys', { key: String(second.apiKey) });
  await conform('revokeApiKey', `/v1/api-keys/${String(second.keyId)}`, { key: supplier.apiKey });
  await conform('listAdminAudit', '/v1/audit/admin?limit=5', { key: supplier.apiKey });
  await conform('listOpsAdminAudit', `/v1/ops/audit/admin?supplierId=${supplier.supplierId}`, {
    key: opsKey,
  });

  // Real-time tokens (issue 14) and data subject requests (issue 9).
  await conform('createRealtimeToken', '/v1/realtime/tokens', { key: supplier.apiKey, body: {} });
  await conform('exportSubjectData', '/v1/ops/privacy/exports', {
    key: opsKey,
    body: { email: 'conformance-subject@example.com' },
  });
  const erasure = await conform('requestSubjectErasure', '/v1/ops/privacy/erasures', {
    key: opsKey,
    body: { email: 'conformance-subject@example.com' },
  });
  await conform('getSubjectErasure', `/v1/ops/privacy/erasures/${String(erasure.erasureId)}`, {
    key: opsKey,
  });

  // A new route fails here until its happy path is added above.
  expect([...exercised].sort()).toEqual(ROUTES.map((r) => r.operation).sort());
});

describe('error answers match ProblemDetails under a status the operation documents', () => {
  it('401 without credentials, 403 with the wrong kind of key', async () => {
    await conformProblem('listReviews', '/v1/reviews', 401);
    await conformProblem('listReviews', '/v1/reviews', 403, { key: opsKey });
    await conformProblem('getModelsStatus', '/v1/ops/models', 403, { key: supplier.apiKey });
  });

  it('400 for malformed JSON and bad query values, 404 for an unknown id', async () => {
    await conformProblem('classifyTexts', '/v1/classify', 400, {
      key: supplier.apiKey,
      raw: '{"task":',
      headers: { 'content-type': 'application/json' },
    });
    await conformProblem('listReviews', '/v1/reviews?limit=0', 400, { key: supplier.apiKey });
    await conformProblem('getReview', '/v1/reviews/rev_00000000000000000000000000000000', 404, {
      key: supplier.apiKey,
    });
  });

  it('notifications: 401 for a bad signature, 403 for a wrong verify token, 415 for a wrong type', async () => {
    const path = notificationPath('facebook');
    await conformProblem('receivePlatformNotification', path, 401, {
      raw: '{"object":"page","entry":[]}',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    });
    await conformProblem('receivePlatformNotification', path, 415, {
      raw: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    await conformProblem(
      'verifyPlatformNotifications',
      `${path}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong`,
      403,
    );
  });

  it('413, 415 and 422 with field errors', async () => {
    await conformProblem('submitReview', '/v1/reviews', 413, {
      key: supplier.apiKey,
      raw: JSON.stringify({ body: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    await conformProblem('submitReview', '/v1/reviews', 415, {
      key: supplier.apiKey,
      raw: 'rating=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const invalid = await conformProblem('submitReview', '/v1/reviews', 422, {
      key: supplier.apiKey,
      body: { rating: 9, colour: 'red' },
    });
    expect(invalid.json.errors).toEqual(
      expect.arrayContaining([{ path: 'colour', message: 'unknown field' }]),
    );
  });

  it('405 with Allow, as the shared MethodNotAllowed response describes', async () => {
    const response = await stack.call('DELETE', '/v1/openapi.json', { key: supplier.apiKey });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    const validate = validator.compile({ $ref: '#/components/schemas/ProblemDetails' });
    expect(validate(response.json) ? null : validate.errors).toBeNull();
    expect(document.components.responses.MethodNotAllowed?.headers).toHaveProperty('Allow');
  });
});
