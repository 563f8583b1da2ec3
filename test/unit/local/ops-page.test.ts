/**
 * The operations page's HTML and policy: the policy's hashes are those of the page's one script and
 * one style (so the browser runs exactly them and nothing injected), nothing is loaded from
 * elsewhere, and the script never turns text into HTML (Trusted Types would refuse it anyway).
 */
import { createHash } from 'node:crypto';
import { opsPagePolicy, opsPageResponse, renderOpsPage } from '../../../local/ops/ops-page';

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
const html = renderOpsPage();
const only = (pattern: RegExp): string => {
  const found = [...html.matchAll(pattern)];
  expect(found).toHaveLength(1);
  return found[0]![1]!;
};

it('allows exactly its own script and style by hash, and requests to its own origin only', () => {
  const script = only(/<script>([\s\S]*?)<\/script>/g);
  const style = only(/<style>([\s\S]*?)<\/style>/g);
  const policy = opsPagePolicy();
  expect(policy).toContain(`script-src 'sha256-${sha256(script)}'`);
  expect(policy).toContain(`style-src 'sha256-${sha256(style)}'`);
  expect(policy).toMatch(/default-src 'none'/);
  expect(policy).toMatch(/connect-src 'self'/);
  expect(policy).toMatch(/require-trusted-types-for 'script'/);
  expect(policy).not.toMatch(/unsafe|https?:|\*/);
});

it('loads nothing from elsewhere and never parses HTML in its script', () => {
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  const script = only(/<script>([\s\S]*?)<\/script>/g);
  expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  // It reads only endpoints that require an ops key.
  const paths = [...script.matchAll(/getJson\('([^']+)'\)/g)].map((m) => m[1]);
  expect(paths).toEqual(['/ops/metrics.json', '/v1/ops/integrations/health', '/v1/ops/models?hours=1']);
});

it('is served as HTML that is never cached or sniffed, with its policy', () => {
  const response = opsPageResponse();
  expect(response.statusCode).toBe(200);
  expect(response.headers).toMatchObject({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': opsPagePolicy(),
  });
});
