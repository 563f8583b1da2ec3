/** The scheduled-rotation policy (issue 9): what is due, when it is postponed, what a rotation writes. */
import {
  MAX_ROTATION_DAYS,
  MIN_ROTATION_DAYS,
  endpointSecretView,
  generateSecret,
  rotateOnSchedule,
  rotationDecision,
  scheduleFrom,
  updateWebhookEndpointBody,
  createWebhookEndpointBody,
  type RotatableEndpoint,
  type WebhookEndpoint,
} from '../../../src/webhooks';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const OLD = generateSecret();
const NEW = generateSecret();

const endpoint = (over: Partial<RotatableEndpoint> = {}): RotatableEndpoint => ({
  enabled: true,
  secrets: { current: OLD },
  secretRotation: scheduleFrom(30, T0),
  ...over,
});

describe('scheduleFrom', () => {
  it('counts the period from the given instant', () => {
    expect(scheduleFrom(30, T0)).toEqual({ everyDays: 30, nextRotationAt: '2026-07-01T00:00:00.000Z' });
  });

  it.each([0, MIN_ROTATION_DAYS - 1, MAX_ROTATION_DAYS + 1, 7.5])('refuses %p days', (days) => {
    expect(() => scheduleFrom(days, T0)).toThrow(RangeError);
  });
});

describe('rotationDecision', () => {
  const due = T0 + 30 * DAY;

  it('leaves endpoints without a schedule alone', () => {
    expect(rotationDecision(endpoint({ secretRotation: undefined }), due)).toEqual({ kind: 'unscheduled' });
  });

  it('is not due a millisecond before the due time, and due at it', () => {
    expect(rotationDecision(endpoint(), due - 1)).toEqual({
      kind: 'not-due',
      dueAt: '2026-07-01T00:00:00.000Z',
    });
    expect(rotationDecision(endpoint(), due)).toEqual({ kind: 'due' });
    expect(rotationDecision(endpoint(), due + 5 * DAY)).toEqual({ kind: 'due' });
  });

  it('waits while the previous secret of an earlier rotation still signs, then rotates', () => {
    const inOverlap = endpoint({
      secrets: { current: NEW, previous: { secret: OLD, expiresAtMs: due + 3_600_000 } },
    });
    expect(rotationDecision(inOverlap, due)).toEqual({
      kind: 'overlap',
      retryAt: '2026-07-01T01:00:00.000Z',
    });
    expect(rotationDecision(inOverlap, due + 3_600_000)).toEqual({ kind: 'due' });
  });

  it('keeps a disabled endpoint due without rotating it', () => {
    expect(rotationDecision(endpoint({ enabled: false }), due)).toEqual({ kind: 'disabled' });
  });
});

describe('rotateOnSchedule', () => {
  it('makes the new secret current, keeps the old one signing for the overlap, and schedules the next', () => {
    const now = T0 + 30 * DAY + 120_000;
    const next = rotateOnSchedule({ ...endpoint(), secretRotation: scheduleFrom(30, T0) }, NEW, now, 86_400);
    expect(next.secrets).toEqual({ current: NEW, previous: { secret: OLD, expiresAtMs: now + DAY } });
    expect(next.secretRotation).toEqual({
      everyDays: 30,
      nextRotationAt: new Date(now + 30 * DAY).toISOString(),
    });
    // The next rotation is never due inside this one's overlap.
    expect(rotationDecision({ enabled: true, ...next }, now + DAY - 1).kind).toBe('not-due');
  });
});

describe('the secret view (GET .../secret)', () => {
  const base: WebhookEndpoint = {
    endpointId: 'whe_1',
    supplierId: 'sup_1',
    url: 'https://hooks.example.com/',
    eventTypes: ['review.received'],
    enabled: true,
    secrets: { current: NEW, previous: { secret: OLD, expiresAtMs: T0 + DAY } },
    secretRotation: scheduleFrom(30, T0),
    createdAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
  };

  it('shows the previous secret and its expiry during the overlap only', () => {
    expect(endpointSecretView(base, T0)).toEqual({
      secret: NEW,
      previousSecret: OLD,
      previousSecretExpiresAt: '2026-06-02T00:00:00.000Z',
      nextRotationAt: '2026-07-01T00:00:00.000Z',
    });
    expect(endpointSecretView(base, T0 + DAY)).toEqual({
      secret: NEW,
      nextRotationAt: '2026-07-01T00:00:00.000Z',
    });
  });
});

describe('the request schemas', () => {
  const url = 'https://hooks.example.com/';
  it.each([6, 366, 7.5, '30', null])('refuses everyDays %p on creation', (everyDays) => {
    const parsed = createWebhookEndpointBody().safeParse({
      url,
      eventTypes: ['review.received'],
      secretRotation: { everyDays },
    });
    expect(parsed.success).toBe(false);
  });

  it('accepts the bounds, and null on a change (stop rotating)', () => {
    for (const everyDays of [MIN_ROTATION_DAYS, MAX_ROTATION_DAYS]) {
      expect(
        createWebhookEndpointBody().safeParse({
          url,
          eventTypes: ['review.received'],
          secretRotation: { everyDays },
        }).success,
      ).toBe(true);
    }
    expect(updateWebhookEndpointBody().safeParse({ secretRotation: null }).success).toBe(true);
    expect(
      updateWebhookEndpointBody().safeParse({ secretRotation: { everyDays: 7, extra: 1 } }).success,
    ).toBe(false);
  });
});
