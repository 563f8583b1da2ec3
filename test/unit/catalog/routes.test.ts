import { matchRoute, ROUTES } from '../../../src/catalog/routes';

describe('matchRoute', () => {
  it('prefers the literal /v1/reviews/summary over /v1/reviews/{id}', () => {
    const found = matchRoute('GET', '/v1/reviews/summary');
    expect(found.kind === 'match' && found.match.route.operation).toBe('getReviewSummary');
  });

  it('extracts and decodes path parameters', () => {
    const found = matchRoute('get', '/v1/reviews/rev_a%20b');
    expect(found).toMatchObject({ kind: 'match', match: { pathParameters: { id: 'rev_a b' } } });
  });

  it('tells a wrong method (with what is allowed) from an unknown path', () => {
    expect(matchRoute('DELETE', '/v1/reviews')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST', 'GET'],
    });
    expect(matchRoute('GET', '/v2/reviews')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1/reviews/a/b')).toEqual({ kind: 'not-found' });
  });

  it('matches every catalogued route to itself', () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, 'rev_x');
      const found = matchRoute(route.method, path);
      expect(found.kind === 'match' && found.match.route).toBe(route);
    }
  });
});
