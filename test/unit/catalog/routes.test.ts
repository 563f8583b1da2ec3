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

  it.each([
    '/v1/reviews/%E0%A4%A',
    '/v1/reviews/%ZZ',
    '/v1/reviews/%',
    '/v1/webhook-endpoints/%C3%28/deliveries',
  ])('answers malformed-path (not an exception) for %s', (path) => {
    expect(matchRoute('GET', path)).toEqual({ kind: 'malformed-path', parameter: 'id' });
  });

  it('tells a wrong method (with what is allowed) from an unknown path', () => {
    expect(matchRoute('DELETE', '/v1/reviews')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST', 'GET'],
    });
    expect(matchRoute('GET', '/v2/reviews')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1/reviews/a/b')).toEqual({ kind: 'not-found' });
  });

  it('compares literal segments exactly, ignores one trailing slash and needs non-empty parameters', () => {
    // As API Gateway: a `.` in a literal segment is that character, not any character.
    expect(matchRoute('GET', '/v1/openapiXjson')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1/openapi.json/')).toMatchObject({ kind: 'match' });
    expect(matchRoute('GET', '/v1/reviews/rev_x/')).toMatchObject({
      kind: 'match',
      match: { pathParameters: { id: 'rev_x' } },
    });
    expect(matchRoute('GET', '/v1/reviews//')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1//reviews')).toEqual({ kind: 'not-found' });
  });

  it('matches every catalogued route to itself', () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, 'rev_x');
      const found = matchRoute(route.method, path);
      expect(found.kind === 'match' && found.match.route).toBe(route);
    }
  });
});
