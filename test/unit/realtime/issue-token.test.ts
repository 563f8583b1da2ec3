import { verifyConnectionToken } from '../../../src/realtime/domain/connection-token';
import { issueConnectionToken } from '../../../src/realtime/use-cases/issue-token';
import { ProblemError } from '../../../src/shared/problem';

const NOW = new Date('2026-12-03T17:00:00Z');
const deps = { keys: { keyRing: async () => ['k-0123456789abcdef'] }, clock: { now: () => NOW } };

describe('issueConnectionToken', () => {
  it('gives a supplier a 5-minute token for its own reviews channel', async () => {
    const issued = await issueConnectionToken('sup_1', {}, deps);
    expect(issued.channels).toEqual(['supplier:sup_1:reviews']);
    expect(issued.expiresAt).toBe('2026-12-03T17:05:00.000Z');
    expect(verifyConnectionToken(issued.token, ['k-0123456789abcdef'], NOW).grant).toEqual({
      kind: 'supplier',
      supplierId: 'sup_1',
    });
  });

  it('gives the WedSync app a token for the wedding it names', async () => {
    const issued = await issueConnectionToken('wedsync-app', { weddingId: 'wed_1' }, deps);
    expect(issued.channels).toEqual(['wedding:wed_1:schedule', 'wedding:wed_1:budget']);
  });

  it('refuses a wedding to any other supplier (403) and the app without one (422)', async () => {
    await expect(issueConnectionToken('sup_1', { weddingId: 'wed_1' }, deps)).rejects.toMatchObject({
      problem: { status: 403 },
    });
    const error = await issueConnectionToken('wedsync-app', {}, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem.status).toBe(422);
  });
});
