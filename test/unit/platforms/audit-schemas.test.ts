/** The audit routes' query schemas: instants normalised to UTC (clamped), strict names, ops needs a scope. */
import { listAuditQuery, listOpsAuditQuery } from '../../../src/platforms';

it('turns any offset into the UTC instant entries are stored under, clamping past years 0000-9999', () => {
  expect(listAuditQuery().parse({ from: '2026-12-03T12:00:00+02:00' }).from).toBe('2026-12-03T10:00:00.000Z');
  expect(listAuditQuery().parse({ to: '9999-12-31T23:59:59-23:59' }).to).toBe('9999-12-31T23:59:59.999Z');
  expect(listAuditQuery().parse({ from: '0000-01-01T00:00:00+23:59' }).from).toBe('0000-01-01T00:00:00.000Z');
});

it('refuses from after to, unknown names and values, and a supplierId on the supplier route', () => {
  expect(
    listAuditQuery().safeParse({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }).success,
  ).toBe(false);
  expect(listAuditQuery().safeParse({ supplierId: 'sup_x' }).success).toBe(false);
  expect(listAuditQuery().safeParse({ operation: 'connect', outcome: 'ok', limit: '100' }).success).toBe(
    true,
  );
  expect(listAuditQuery().safeParse({ limit: '101' }).success).toBe(false);
});

it('ops reads by supplier or by platform, never the whole table at once', () => {
  expect(listOpsAuditQuery().safeParse({}).success).toBe(false);
  expect(listOpsAuditQuery().safeParse({ outcome: 'permanent' }).success).toBe(false);
  expect(listOpsAuditQuery().safeParse({ platform: 'yelp' }).success).toBe(true);
  expect(listOpsAuditQuery().safeParse({ supplierId: 'sup_1', connectionId: 'con_1' }).success).toBe(true);
});
