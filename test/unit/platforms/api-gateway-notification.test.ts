/** The raw bytes a notification's signature covers survive API Gateway's event, and answers are 2xx/4xx. */
import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  inboundNotificationOf,
  NOTIFICATION_BODY_LIMIT_BYTES,
  notificationResponse,
} from '../../../src/platforms/adapters/api-gateway-notification';

const event = (overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: '/v1/platform-notifications/facebook',
    headers: { 'X-Hub-Signature-256': 'sha256=abc', 'Content-Type': 'application/json' },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    ...overrides,
  }) as APIGatewayProxyEvent;

// As Facebook sends it: escaped unicode, and also literal multi-byte UTF-8.
const SENT = Buffer.from('{"entry":[{"id":"p1","note":"caf\\u00e9 — 💐"}]}', 'utf8');
const hmac = (bytes: Buffer) => createHmac('sha256', 'secret').update(bytes).digest('hex');

describe('inboundNotificationOf', () => {
  it('gives back the exact bytes sent, from a text body (UTF-8) and from a base64 one', () => {
    const text = inboundNotificationOf(event({ body: SENT.toString('utf8') }));
    const binary = inboundNotificationOf(event({ body: SENT.toString('base64'), isBase64Encoded: true }));
    for (const result of [text, binary]) {
      if (!result.ok) throw new Error('expected a request');
      expect(result.request.rawBody.equals(SENT)).toBe(true);
      expect(hmac(result.request.rawBody)).toBe(hmac(SENT));
      expect(result.request.headers['x-hub-signature-256']).toBe('sha256=abc');
    }
    // Re-serialising the JSON would not do: the escapes would become characters and the HMAC differ.
    expect(hmac(Buffer.from(JSON.stringify(JSON.parse(SENT.toString('utf8')))))).not.toBe(hmac(SENT));
  });

  it('passes the handshake query, and refuses other methods and oversized bodies with 4xx', () => {
    const get = inboundNotificationOf(
      event({ httpMethod: 'GET', queryStringParameters: { 'hub.challenge': '42', 'hub.mode': 'subscribe' } }),
    );
    expect(get.ok && get.request.query).toEqual({ 'hub.challenge': '42', 'hub.mode': 'subscribe' });
    expect(inboundNotificationOf(event({ httpMethod: 'PUT' }))).toMatchObject({ ok: false, status: 405 });
    const big = 'x'.repeat(NOTIFICATION_BODY_LIMIT_BYTES + 1);
    expect(inboundNotificationOf(event({ body: big }))).toMatchObject({ ok: false, status: 413 });
  });
});

describe('notificationResponse', () => {
  it('answers the handshake as text, acceptance as 200, refusals as problem details', () => {
    expect(notificationResponse({ kind: 'challenge', answer: '42' })).toMatchObject({
      statusCode: 200,
      body: '42',
    });
    expect(notificationResponse({ kind: 'accepted', notifications: 2, replays: 0, syncs: 2 })).toMatchObject({
      statusCode: 200,
    });
    const refused = notificationResponse({ kind: 'rejected', status: 401, reason: 'bad signature' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 401, detail: 'bad signature' });
  });
});
