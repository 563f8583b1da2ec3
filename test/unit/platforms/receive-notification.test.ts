/**
 * Inbound notifications with a small fake adapter whose verifier checks an HMAC over the raw
 * bytes (as Facebook's X-Hub-Signature-256 does): handshake, rejection, replay, targeted syncs.
 */
import { createHmac } from 'node:crypto';
import type { InboundNotification, NotificationVerdict } from '../../../src/platforms/domain/platform';
import {
  receiveNotification,
  type ReceiveNotificationDeps,
} from '../../../src/platforms/use-cases/receive-notification';
import { SecretNotificationSecrets } from '../../../src/platforms/adapters/notification-secrets';
import { FakeAdapter, FakeClock, DelayQueue } from './sync-fakes';

class SigningAdapter extends FakeAdapter {
  override verifyNotification(
    request: InboundNotification,
    secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict {
    if (request.method === 'GET') {
      return request.query['hub.verify_token'] === secrets.verifyToken
        ? { kind: 'challenge', answer: request.query['hub.challenge'] ?? '' }
        : { kind: 'rejected', status: 403, reason: 'wrong verify token' };
    }
    const expected = `sha256=${createHmac('sha256', secrets.appSecret!).update(request.rawBody).digest('hex')}`;
    if (request.headers['x-hub-signature-256'] !== expected)
      return { kind: 'rejected', status: 401, reason: 'bad signature' };
    const body = JSON.parse(request.rawBody.toString('utf8')) as {
      page: string;
      ids: string[];
      deleted: string[];
      id: string;
    };
    if (body.page === 'throw') throw new TypeError('unexpected shape');
    return {
      kind: 'notification',
      notifications: [
        { locationId: body.page, externalIds: body.ids, deletedExternalIds: body.deleted, dedupKey: body.id },
      ],
    };
  }
}

function world() {
  const clock = new FakeClock();
  const adapter = new SigningAdapter('facebook', clock);
  const queue = new DelayQueue(clock);
  const replays = new Map<string, true>();
  let n = 0;
  const deps: ReceiveNotificationDeps = {
    adapters: { adapterFor: (p) => (p === 'facebook' ? adapter : undefined) },
    secrets: { secretsFor: async () => ({ appSecret: 'app-secret', verifyToken: 'vt' }) },
    replays: {
      firstSeen: async (key) => (replays.has(key) ? false : (replays.set(key, true), true)),
    },
    directory: {
      find: async (_platform, locationId) =>
        locationId === 'page-1'
          ? [
              { connectionId: 'c1', supplierId: 's1' },
              { connectionId: 'c2', supplierId: 's2' },
            ]
          : [],
    },
    queue,
    newId: () => `corr-${(n += 1)}`,
  };
  return { deps, queue };
}

// The body as the platform sent it, escaped unicode included: re-serialising it would change the bytes.
const RAW = Buffer.from(
  '{"page":"page-1","ids":["r1","r2"],"deleted":["r3"],"id":"n-1","note":"caf\\u00e9"}',
  'utf8',
);
const signed = (raw: Buffer, secret = 'app-secret'): InboundNotification => ({
  method: 'POST',
  headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` },
  query: {},
  rawBody: raw,
});

describe('receiveNotification', () => {
  it('answers the subscription handshake, and refuses a wrong verify token', async () => {
    const { deps } = world();
    const get = (token: string): InboundNotification => ({
      method: 'GET',
      headers: {},
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' },
      rawBody: Buffer.alloc(0),
    });
    expect(await receiveNotification('facebook', get('vt'), deps)).toEqual({
      kind: 'challenge',
      answer: '1158201444',
    });
    expect(await receiveNotification('facebook', get('nope'), deps)).toMatchObject({
      kind: 'rejected',
      status: 403,
    });
  });

  it('enqueues a targeted sync per connection of the location, with changed and deleted ids', async () => {
    const { deps, queue } = world();
    const answer = await receiveNotification('facebook', signed(RAW), deps);
    expect(answer).toEqual({ kind: 'accepted', notifications: 1, replays: 0, syncs: 2 });
    expect(queue.sent.map((s) => [s.message.connectionId, s.message.mode, s.message.externalIds])).toEqual([
      ['c1', 'targeted', ['r1', 'r2', 'r3']],
      ['c2', 'targeted', ['r1', 'r2', 'r3']],
    ]);
  });

  it('drops a replay of the same notification', async () => {
    const { deps, queue } = world();
    await receiveNotification('facebook', signed(RAW), deps);
    const again = await receiveNotification('facebook', signed(RAW), deps);
    expect(again).toEqual({ kind: 'accepted', notifications: 1, replays: 1, syncs: 0 });
    expect(queue.sent).toHaveLength(2);
  });

  it('rejects a bad signature, a body changed after signing, and an unknown platform; nothing is enqueued', async () => {
    const { deps, queue } = world();
    expect(await receiveNotification('facebook', signed(RAW, 'other-secret'), deps)).toMatchObject({
      status: 401,
    });
    const tampered = { ...signed(RAW), rawBody: Buffer.from(RAW.toString('utf8').replace('r1', 'r9')) };
    expect(await receiveNotification('facebook', tampered, deps)).toMatchObject({ status: 401 });
    expect(await receiveNotification('myspace', signed(RAW), deps)).toMatchObject({ status: 404 });
    expect(await receiveNotification('google', signed(RAW), deps)).toMatchObject({ status: 404 });
    expect(queue.sent).toHaveLength(0);
  });

  it('a verifier that throws on odd input gives a 400, never a 5xx', async () => {
    const { deps } = world();
    const raw = Buffer.from('{"page":"throw","ids":[],"deleted":[],"id":"x"}');
    expect(await receiveNotification('facebook', signed(raw), deps)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
  });

  it('a location no connection syncs enqueues nothing', async () => {
    const { deps, queue } = world();
    const raw = Buffer.from('{"page":"page-9","ids":["r1"],"deleted":[],"id":"n-2"}');
    expect(await receiveNotification('facebook', signed(raw), deps)).toEqual({
      kind: 'accepted',
      notifications: 1,
      replays: 0,
      syncs: 0,
    });
    expect(queue.sent).toHaveLength(0);
  });
});

/**
 * A secret as a warm container sees it (issue 9): the store holds [AWSCURRENT, AWSPREVIOUS]; the
 * container's cached copy changes only on a forced fetch (the Secrets Manager key ring's contract).
 */
class CachedRing {
  cached: readonly string[];
  forcedFetches = 0;
  constructor(public stored: readonly string[]) {
    this.cached = stored;
  }
  async keyRing(options: { forceFetch?: boolean } = {}): Promise<readonly string[]> {
    if (options.forceFetch) {
      this.forcedFetches += 1;
      this.cached = this.stored;
    }
    return this.cached;
  }
}

describe('receiveNotification during a secret rotation (issue 9)', () => {
  function rotating(appSecret: CachedRing, verifyToken = new CachedRing(['vt'])) {
    const { deps, queue } = world();
    const secrets = new SecretNotificationSecrets({
      facebookAppSecret: appSecret,
      facebookVerifyToken: verifyToken,
      googlePushToken: new CachedRing(['push']),
      trustpilotWebhookToken: new CachedRing(['tp']),
    });
    return { deps: { ...deps, secrets }, queue };
  }
  const handshake = (token: string): InboundNotification => ({
    method: 'GET',
    headers: {},
    query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '42' },
    rawBody: Buffer.alloc(0),
  });

  it('accepts a notification signed with AWSCURRENT or with AWSPREVIOUS, without refetching', async () => {
    const ring = new CachedRing(['new-secret', 'old-secret']);
    const { deps } = rotating(ring);
    expect(await receiveNotification('facebook', signed(RAW, 'new-secret'), deps)).toMatchObject({
      kind: 'accepted',
    });
    const other = Buffer.from(RAW.toString('utf8').replace('"n-1"', '"n-2"'));
    expect(await receiveNotification('facebook', signed(other, 'old-secret'), deps)).toMatchObject({
      kind: 'accepted',
    });
    expect(ring.forcedFetches).toBe(0);
  });

  it('answers the handshake with the previous verify token too', async () => {
    const { deps } = rotating(new CachedRing(['app-secret']), new CachedRing(['vt-new', 'vt-old']));
    expect(await receiveNotification('facebook', handshake('vt-old'), deps)).toEqual({
      kind: 'challenge',
      answer: '42',
    });
  });

  it('refuses a value still AWSPENDING (not promoted), after one refetch', async () => {
    const ring = new CachedRing(['current', 'previous']);
    const { deps, queue } = rotating(ring);
    expect(await receiveNotification('facebook', signed(RAW, 'pending'), deps)).toMatchObject({
      status: 401,
    });
    expect(ring.forcedFetches).toBe(1);
    expect(queue.sent).toHaveLength(0);
  });

  it('a warm container whose cache predates the rotation refetches once and accepts', async () => {
    const ring = new CachedRing(['old-secret']);
    ring.stored = ['new-secret', 'old-secret']; // rotated after the container cached it
    const { deps, queue } = rotating(ring);
    expect(await receiveNotification('facebook', signed(RAW, 'new-secret'), deps)).toMatchObject({
      kind: 'accepted',
      syncs: 2,
    });
    expect(ring.forcedFetches).toBe(1);
    // The refreshed cache serves the next one without a fetch.
    const next = Buffer.from(RAW.toString('utf8').replace('"n-1"', '"n-3"'));
    expect(await receiveNotification('facebook', signed(next, 'new-secret'), deps)).toMatchObject({
      kind: 'accepted',
    });
    expect(ring.forcedFetches).toBe(1);
    expect(queue.sent).toHaveLength(4);
  });

  it('never refetches for a malformed request (a newer secret would not change a 400)', async () => {
    const ring = new CachedRing(['app-secret']);
    const { deps } = rotating(ring);
    const odd = Buffer.from('{"page":"throw","ids":[],"deleted":[],"id":"n-9"}');
    expect(await receiveNotification('facebook', signed(odd), deps)).toMatchObject({ status: 400 });
    expect(ring.forcedFetches).toBe(0);
  });
});
