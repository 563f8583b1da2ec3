/**
 * Inbound notifications are client input: whatever arrives (bytes, headers, query), verification
 * answers with a verdict and never throws (a throw would become a 5xx at the route).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { verifyFacebookNotification } from '../../../src/platforms/adapters/facebook-wire';
import { verifyTrustpilotNotification } from '../../../src/platforms/adapters/trustpilot-wire';
import type { InboundNotification } from '../../../src/platforms';

const secrets = {
  appSecret: 's3cret',
  verifyToken: 'vt',
  notificationToken: 'tp-token',
  businessUnitId: 'bu',
};

const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  fc
    .record({ object: fc.constantFrom('page', 'user'), entry: fc.array(fc.anything(), { maxLength: 3 }) })
    .map((value) => Buffer.from(JSON.stringify(value))),
  fc
    .record({ events: fc.array(fc.anything(), { maxLength: 3 }) })
    .map((value) => Buffer.from(JSON.stringify(value))),
);
const request = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  headers: fc.dictionary(
    fc.string({ maxLength: 30 }),
    fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  ),
  query: fc.dictionary(
    fc.constantFrom('token', 'hub.mode', 'hub.verify_token', 'hub.challenge', 'x'),
    fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  ),
  rawBody: body,
});

describe('notification verification on arbitrary input', () => {
  it('always gives a verdict, and rejects with 400/401/403 only', () => {
    fc.assert(
      fc.property(request, fc.boolean(), (req: InboundNotification, signWell) => {
        const signed: InboundNotification = signWell
          ? {
              ...req,
              headers: {
                ...req.headers,
                'x-hub-signature-256': `sha256=${createHmac('sha256', secrets.appSecret).update(req.rawBody).digest('hex')}`,
              },
              query: { ...req.query, token: secrets.notificationToken },
            }
          : req;
        for (const verdict of [
          verifyFacebookNotification(signed, secrets),
          verifyTrustpilotNotification(signed, secrets),
        ]) {
          expect(['challenge', 'notification', 'rejected']).toContain(verdict.kind);
          if (verdict.kind === 'rejected') expect([400, 401, 403]).toContain(verdict.status);
        }
      }),
      { numRuns: 500 },
    );
  });
});
