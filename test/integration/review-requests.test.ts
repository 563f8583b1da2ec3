/**
 * Verified reviews end to end (ADR 0010), through the local gateway, the ReviewRequestEmails
 * queue and mailer, and the SES emulator (no mock): the supplier never sees the e-mailed token,
 * the couple's e-mail holds it, only reviews made with it are verified, the daily limit holds,
 * and a revoked key stops working within 5 s.
 */
import { verifyReviewToken } from '../../src/access/domain/review-token';
import { sentEmails, type StoredEmail } from '../../local/ses-emulator';
import { runCli } from '../../scripts/cli';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(60_000);

const LIMIT = 4;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ reviewRequestsPerDay: LIMIT });
}, 90_000);

afterAll(async () => {
  await stack?.cleanup();
});

const review = (overrides: Record<string, unknown> = {}) => ({
  rating: 5,
  title: 'Wonderful florist',
  body: 'The bouquets were exactly what we wanted.',
  reviewerName: 'Sam & Alex',
  ...overrides,
});

const mailTo = async (address: string): Promise<StoredEmail[]> =>
  (await sentEmails(stack.sesEndpoint)).filter((e) => e.destination.to.includes(address));

async function waitForReview(key: string, reviewId: string): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  await eventually(async () => {
    const response = await stack.call('GET', `/v1/reviews/${reviewId}`, { key });
    body = response.json;
    return response.status === 200;
  }, `review ${reviewId} stored`);
  return body;
}

describe('a review request e-mailed to the couple', () => {
  it('answers without the token, e-mails the link once, and makes the couple review verified', async () => {
    const supplier = await stack.newSupplier('Rose & Co');
    const created = await stack.call('POST', '/v1/review-requests', {
      key: supplier.apiKey,
      body: { coupleName: 'Jo & Max', email: 'jo.max@example.com', weddingDate: '2026-06-20' },
    });
    expect(created.status).toBe(202);
    expect(created.json).toEqual({
      requestId: expect.stringMatching(/^rrq_/),
      delivery: 'email',
      status: 'queued',
      expiresAt: expect.any(String),
    });
    expect(JSON.stringify(created.json)).not.toMatch(/wrt_/);
    expect(created.headers.get('location')).toBe(`/v1/review-requests/${created.json.requestId}`);

    await eventually(async () => (await mailTo('jo.max@example.com')).length > 0, 'the e-mail', 20_000);
    // The mailer records the send just after SES accepted it.
    const read = () =>
      stack.call('GET', `/v1/review-requests/${created.json.requestId}`, { key: supplier.apiKey });
    await eventually(async () => (await read()).json.status === 'sent', 'the request marked sent', 10_000);
    const request = await read();
    expect(request.json).toMatchObject({ status: 'sent', delivery: 'email', sentAt: expect.any(String) });
    expect(JSON.stringify(request.json)).not.toMatch(/wrt_/);

    const mails = await mailTo('jo.max@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Rose & Co would love your review');
    const token = /#token=(wrt_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mails[0]!.body.text ?? '')?.[1];
    expect(token).toBeDefined();
    expect(mails[0]!.body.html).toContain(token!);

    const submitted = await stack.call('POST', '/v1/reviews', { key: token!, body: review({ rating: 4 }) });
    expect(submitted.status).toBe(202);
    const stored = await waitForReview(supplier.apiKey, String(submitted.json.reviewId));
    expect(stored).toMatchObject({
      supplierId: supplier.supplierId,
      requestId: created.json.requestId,
      rating: 4,
      verified: true,
    });
  });

  it('never verifies supplier imports or reviews made with a shareable link', async () => {
    const supplier = await stack.newSupplier('Self Reviewer');
    const imported = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: review({ platform: 'google', externalId: 'g-verified-1' }),
    });
    const link = await stack.call('POST', '/v1/review-requests', {
      key: supplier.apiKey,
      body: { coupleName: 'Anyone', weddingDate: '2026-06-20', delivery: 'link' },
    });
    expect(link.status).toBe(201);
    expect(link.json).toMatchObject({
      delivery: 'link',
      status: 'issued',
      token: expect.stringMatching(/^wrt_/),
    });
    const ring = (JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>)[
      stack.env.SECRET_ID_REVIEW_TOKEN_KEY!
    ]!;
    expect(verifyReviewToken(String(link.json.token), ring, new Date()).delivery).toBe('link');
    const viaLink = await stack.call('POST', '/v1/reviews', { key: String(link.json.token), body: review() });
    expect(viaLink.status).toBe(202);

    for (const reviewId of [imported.json.reviewId, viaLink.json.reviewId]) {
      expect(await waitForReview(supplier.apiKey, String(reviewId))).toMatchObject({ verified: false });
    }
    expect(await mailTo('anyone@example.com')).toHaveLength(0);
  });
});

describe('the daily limit of review requests', () => {
  it('answers 429 with Retry-After past the limit, and sends nothing more', async () => {
    const supplier = await stack.newSupplier('Busy Supplier');
    const ask = (n: number) =>
      stack.call('POST', '/v1/review-requests', {
        key: supplier.apiKey,
        body: { coupleName: `Couple ${n}`, email: `busy-${n}@example.com`, weddingDate: '2026-06-20' },
      });
    // Concurrent requests: the conditional counter lets exactly LIMIT through.
    const answers = await Promise.all(Array.from({ length: LIMIT + 3 }, (_, n) => ask(n)));
    const accepted = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(LIMIT);
    expect(limited).toHaveLength(3);
    const retryAfter = Number(limited[0]!.headers.get('retry-after'));
    const secondsToMidnight = (Date.UTC(...utcToday()) + 86_400_000 - Date.now()) / 1000;
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - secondsToMidnight)).toBeLessThan(5);
    expect(limited[0]!.headers.get('content-type')).toBe('application/problem+json');
    expect(limited[0]!.json).toMatchObject({
      status: 429,
      type: 'urn:wedsync:problem:rate-limited',
      detail: expect.stringContaining(`at most ${LIMIT} review requests per supplier per day`),
    });

    await eventually(async () => {
      const all = (await sentEmails(stack.sesEndpoint)).filter((e) =>
        e.destination.to[0]?.startsWith('busy-'),
      );
      return all.length >= LIMIT;
    }, 'the accepted e-mails');
    // Give a wrongly queued e-mail time to show up, then count exactly.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const busy = (await sentEmails(stack.sesEndpoint)).filter((e) =>
      e.destination.to[0]?.startsWith('busy-'),
    );
    expect(busy).toHaveLength(LIMIT);
  });
});

function utcToday(): [number, number, number] {
  const now = new Date();
  return [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
}

describe('revoking an API key', () => {
  it.each(['apiKey', 'keyId'] as const)('refuses the key within 5 s (revoked by %s)', async (by) => {
    const supplier = await stack.newSupplier('Leaving Supplier');
    const keyId = /^wsk_(key_[0-9a-z]{26})_/.exec(supplier.apiKey)![1]!;
    // Warm the authorizer's key cache, as a busy client would.
    expect((await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).status).toBe(200);

    const lines: string[] = [];
    const code = await runCli(['revoke-key', by === 'apiKey' ? supplier.apiKey : keyId], (l) =>
      lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain(keyId);
    const revokedAt = Date.now();

    // Poll; the time that counts is when the first refused request was sent.
    let status = 200;
    let sentAt = revokedAt;
    while (Date.now() - revokedAt < 7000) {
      sentAt = Date.now();
      status = (await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).status;
      if (status !== 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(403);
    expect(sentAt - revokedAt).toBeLessThanOrEqual(5000);
    expect(
      (
        await stack.call('POST', '/v1/review-requests', {
          key: supplier.apiKey,
          body: { coupleName: 'A', email: 'late@example.com', weddingDate: '2026-06-20' },
        })
      ).status,
    ).toBe(403);
  });

  it('reports an unknown key', async () => {
    const lines: string[] = [];
    expect(await runCli(['revoke-key', 'key_00000000000000000000000000'], (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['no such key']);
  });
});
