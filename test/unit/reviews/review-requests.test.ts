import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { verifyReviewToken } from '../../../src/access/domain/review-token';
import { ProblemError } from '../../../src/shared/problem';
import {
  composeReviewRequestEmail,
  EmailRejectedError,
  reviewLink,
} from '../../../src/reviews/domain/review-request-email';
import { PermanentMessageError } from '../../../src/reviews/domain/review';
import { createReviewRequestBody } from '../../../src/reviews/domain/review-schemas';
import {
  createReviewRequest,
  secondsUntilUtcMidnight,
  type CreateReviewRequestDeps,
} from '../../../src/reviews/use-cases/review-requests';
import { sendReviewRequestEmail } from '../../../src/reviews/use-cases/send-review-request-email';
import { SesEmailSender } from '../../../src/reviews/adapters/ses-email-sender';
import type { OutgoingEmail, ReviewRequestRecord, ReviewRequestRepository } from '../../../src/reviews/ports';

const NOW = new Date('2026-06-01T22:00:00Z');
const RING = ['k1'];

class FakeRequests implements ReviewRequestRepository {
  readonly items = new Map<string, ReviewRequestRecord>();
  async put(record: ReviewRequestRecord) {
    this.items.set(record.requestId, record);
  }
  async get(_supplierId: string, requestId: string) {
    return this.items.get(requestId);
  }
  async markSent(_s: string, requestId: string, sentAt: string) {
    const item = this.items.get(requestId);
    if (item) this.items.set(requestId, { ...item, status: 'sent', sentAt });
  }
  async markFailed(_s: string, requestId: string, failureReason: string, failedAt: string) {
    const item = this.items.get(requestId);
    if (item) this.items.set(requestId, { ...item, status: 'failed', failureReason, failedAt });
  }
}

function setup(limit = 2) {
  const requests = new FakeRequests();
  const counts = new Map<string, number>();
  const queued: string[] = [];
  const deps: CreateReviewRequestDeps = {
    requests,
    quota: {
      async take(supplierId, now, max) {
        const key = `${supplierId}#${now.toISOString().slice(0, 10)}`;
        const used = counts.get(key) ?? 0;
        if (used >= max) return false;
        counts.set(key, used + 1);
        return true;
      },
    },
    emailQueue: {
      async send(body) {
        queued.push(body);
      },
    },
    keys: { keyRing: async () => RING },
    clock: { now: () => NOW },
    reviewRequestsPerDay: limit,
  };
  return { deps, requests, queued };
}

const body = { coupleName: 'Jo & Max', email: 'jo@example.com', weddingDate: '2026-06-20' };

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('createReviewRequest', () => {
  it('queues the e-mail (request ids only) and never answers with a token', async () => {
    const { deps, requests, queued } = setup();
    const created = await createReviewRequest('sup_a', body, deps);
    expect(created).toEqual({
      requestId: expect.stringMatching(/^rrq_/),
      delivery: 'email',
      status: 'queued',
      expiresAt: '2026-07-01T22:00:00.000Z',
    });
    expect(JSON.stringify(created)).not.toMatch(/wrt_/);
    expect(queued.map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'review-request.email', version: 1, supplierId: 'sup_a', requestId: created.requestId },
    ]);
    expect(requests.items.get(created.requestId)).toMatchObject({ status: 'queued', delivery: 'email' });
  });

  it('returns a shareable link token whose signed claim says link, and e-mails nothing', async () => {
    const { deps, queued } = setup();
    const created = await createReviewRequest('sup_a', { ...body, delivery: 'link' }, deps);
    if (created.delivery !== 'link') throw new Error('expected a link');
    expect(created.status).toBe('issued');
    expect(verifyReviewToken(created.token, RING, NOW)).toMatchObject({
      supplierId: 'sup_a',
      requestId: created.requestId,
      delivery: 'link',
    });
    expect(queued).toHaveLength(0);
  });

  it('answers 429 with Retry-After until 00:00 UTC past the daily limit, storing and sending nothing', async () => {
    const { deps, requests, queued } = setup(2);
    await createReviewRequest('sup_a', body, deps);
    await createReviewRequest('sup_a', body, deps);
    const limited = await problemOf(createReviewRequest('sup_a', body, deps));
    expect(limited.problem).toMatchObject({ status: 429, type: 'urn:wedsync:problem:rate-limited' });
    expect(limited.problem.detail).toContain('at most 2 review requests per supplier per day');
    expect(limited.headers['retry-after']).toBe(String(2 * 3600));
    expect(requests.items.size).toBe(2);
    expect(queued).toHaveLength(2);
    // Another supplier has its own allowance.
    await expect(createReviewRequest('sup_b', body, deps)).resolves.toMatchObject({ status: 'queued' });
  });

  it('marks the request failed and fails (503 upstream) when the e-mail cannot be queued', async () => {
    const { deps, requests } = setup();
    const failing = { ...deps, emailQueue: { send: () => Promise.reject(new Error('sqs down')) } };
    await expect(createReviewRequest('sup_a', body, failing)).rejects.toThrow('sqs down');
    expect([...requests.items.values()][0]).toMatchObject({ status: 'failed', failureReason: 'not-queued' });
  });

  it('computes Retry-After as the seconds left in the UTC day', () => {
    expect(secondsUntilUtcMidnight(new Date('2026-06-01T23:59:59.500Z'))).toBe(1);
    expect(secondsUntilUtcMidnight(new Date('2026-06-01T00:00:00Z'))).toBe(86_400);
  });

  it('requires the e-mail address unless a shareable link is asked for', () => {
    const { email: _omitted, ...withoutEmail } = body;
    expect(createReviewRequestBody().safeParse(withoutEmail).success).toBe(false);
    expect(createReviewRequestBody().safeParse({ ...withoutEmail, delivery: 'link' }).success).toBe(true);
    expect(createReviewRequestBody().safeParse({ ...body, delivery: 'sms' }).success).toBe(false);
  });
});

describe('sendReviewRequestEmail', () => {
  function mailer(outcome: 'ok' | 'reject' | 'throttle' = 'ok') {
    const sent: OutgoingEmail[] = [];
    return {
      sent,
      sender: {
        async send(email: OutgoingEmail) {
          if (outcome === 'reject') throw new EmailRejectedError('MessageRejected');
          if (outcome === 'throttle') throw new Error('TooManyRequestsException');
          sent.push(email);
          return { messageId: 'm-1' };
        },
      },
    };
  }

  async function queuedRequest() {
    const { deps, requests, queued } = setup();
    const created = await createReviewRequest('sup_a', body, deps);
    return { requests, message: queued[0]!, requestId: created.requestId };
  }

  const sendDeps = (requests: FakeRequests, sender: ReturnType<typeof mailer>['sender']) => ({
    requests,
    suppliers: { supplierName: async () => 'Rose & Co' },
    keys: { keyRing: async () => RING },
    sender,
    clock: { now: () => NOW },
    linkBaseUrl: 'https://app.wedsync.example/review',
  });

  it('e-mails the couple a link whose token is an e-mail token for this request, then marks it sent', async () => {
    const { requests, message, requestId } = await queuedRequest();
    const { sent, sender } = mailer();
    expect(await sendReviewRequestEmail(message, sendDeps(requests, sender))).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'jo@example.com', subject: 'Rose & Co would love your review' });
    const token = /#token=(wrt_[A-Za-z0-9_.-]+)/.exec(sent[0]!.text)?.[1];
    expect(verifyReviewToken(token ?? '', RING, NOW)).toMatchObject({ requestId, delivery: 'email' });
    expect(requests.items.get(requestId)).toMatchObject({ status: 'sent', sentAt: NOW.toISOString() });
    // A redelivered message sends nothing more.
    expect(await sendReviewRequestEmail(message, sendDeps(requests, sender))).toBe('already-sent');
    expect(sent).toHaveLength(1);
  });

  it('marks a permanently rejected e-mail failed without retrying, and rethrows transient failures', async () => {
    const rejected = await queuedRequest();
    expect(
      await sendReviewRequestEmail(rejected.message, sendDeps(rejected.requests, mailer('reject').sender)),
    ).toBe('rejected');
    expect(rejected.requests.items.get(rejected.requestId)).toMatchObject({
      status: 'failed',
      failureReason: 'MessageRejected',
    });
    const throttled = await queuedRequest();
    await expect(
      sendReviewRequestEmail(throttled.message, sendDeps(throttled.requests, mailer('throttle').sender)),
    ).rejects.toThrow('TooManyRequests');
    expect(throttled.requests.items.get(throttled.requestId)?.status).toBe('queued');
  });

  it('sends nothing for a request that is gone, and drops malformed messages as permanent', async () => {
    const { sender, sent } = mailer();
    const requests = new FakeRequests();
    const gone = JSON.stringify({
      type: 'review-request.email',
      version: 1,
      supplierId: 's',
      requestId: 'r',
    });
    expect(await sendReviewRequestEmail(gone, sendDeps(requests, sender))).toBe('gone');
    await expect(sendReviewRequestEmail('nope', sendDeps(requests, sender))).rejects.toBeInstanceOf(
      PermanentMessageError,
    );
    await expect(
      sendReviewRequestEmail(JSON.stringify({ type: 'x' }), sendDeps(requests, sender)),
    ).rejects.toBeInstanceOf(PermanentMessageError);
    expect(sent).toHaveLength(0);
  });
});

describe('the review-request e-mail', () => {
  it('escapes names in HTML, keeps the subject on one line, and carries the token in the fragment', () => {
    const link = reviewLink('https://app.wedsync.example/review', 'wrt_abc.def');
    expect(link).toBe('https://app.wedsync.example/review#token=wrt_abc.def');
    const email = composeReviewRequestEmail({
      coupleName: '<b>Jo</b> & "Max"',
      supplierName: 'Evil\r\nBcc: x@y.z',
      weddingDate: '2026-06-20',
      link,
      expiresAt: '2026-07-01T00:00:00.000Z',
    });
    expect(email.subject).toBe('Evil Bcc: x@y.z would love your review');
    expect(email.html).toContain('&lt;b&gt;Jo&lt;/b&gt; &amp; &quot;Max&quot;');
    expect(email.html).not.toContain('<b>Jo</b>');
    expect(email.text).toContain(link);
  });
});

describe('SesEmailSender', () => {
  const ses = mockClient(SESv2Client);
  beforeEach(() => ses.reset());
  const email: OutgoingEmail = {
    to: 'jo@example.com',
    subject: 's',
    text: 't',
    html: 'h',
    tags: { kind: 'x' },
  };

  it('sends from the configured identity through the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const sender = new SesEmailSender(
      new SESv2Client({ region: 'us-east-1' }),
      'reviews@wedsync.example',
      'cs',
    );
    expect(await sender.send(email)).toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toMatchObject({
      FromEmailAddress: 'reviews@wedsync.example',
      ConfigurationSetName: 'cs',
      Destination: { ToAddresses: ['jo@example.com'] },
      EmailTags: [{ Name: 'kind', Value: 'x' }],
    });
  });

  it('turns a MessageRejected into a permanent rejection and leaves throttling to the retries', async () => {
    const sender = new SesEmailSender(
      new SESv2Client({ region: 'us-east-1' }),
      'reviews@wedsync.example',
      undefined,
    );
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('rejected'), { name: 'MessageRejected' }));
    await expect(sender.send(email)).rejects.toBeInstanceOf(EmailRejectedError);
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(sender.send(email)).rejects.toThrow('slow down');
  });
});
