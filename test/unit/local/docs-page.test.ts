/**
 * The local mode's API reference page: every operation, parameter, body, response and schema of
 * the document is on it; nothing from the document reaches the HTML unescaped; no script and no
 * external resource, with a CSP that allows only the page's own style.
 */
import { createHash } from 'node:crypto';
import * as z from '#src/shared/zod';
import { buildOpenApiDocument, openApiDocument } from '#src/catalog/openapi';
import { ROUTES, type RouteDefinition } from '#src/catalog/routes';
import { escapeHtml, referencePageResponse, renderReferencePage } from '../../../local/docs-page';

const document = openApiDocument();
const html = renderReferencePage(document);

it('shows every operation with its method, path, summary and auth', () => {
  for (const route of ROUTES) {
    expect(html).toContain(`id="op-${route.operation}"`);
    expect(html).toContain(`<code>${escapeHtml(route.path)}</code>`);
    expect(html).toContain(escapeHtml(route.summary));
  }
  expect(html).toContain('none (public)');
  expect(html).toContain('<a href="#security-reviewToken">reviewToken</a>');
});

it('shows parameters, request examples, success examples, error responses and every schema', () => {
  expect(html).toContain('<code>limit</code></td><td>query</td><td>no</td>');
  expect(html).toContain('<code>id</code></td><td>path</td><td>yes</td>');
  expect(html).toContain(escapeHtml(JSON.stringify('Stunning flowers')));
  for (const name of Object.keys(document.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
  for (const name of Object.keys(document.components.responses))
    expect(html).toContain(`id="response-${name}"`);
  // Every internal link points at an anchor of the page.
  const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  const targets = [...html.matchAll(/ href="#([^"]+)"/g)].map((m) => m[1]);
  expect(targets.filter((t) => !ids.has(t))).toEqual([]);
});

it('escapes everything that comes from the document', () => {
  const hostile: RouteDefinition = {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/x/{id}',
    auth: 'public',
    summary: '<script>alert("summary")</script>',
    area: 'meta',
    query: z.strictObject({ q: z.optional(z.string()).check(z.describe('<img src=x onerror=alert(1)>')) }),
    response: {
      status: 200,
      description: '"quoted" & <b>bold</b>',
      schema: z
        .object({ a: z.string() })
        .check(z.meta({ examples: [{ a: '</pre><script>alert(2)</script>' }] })),
    },
  };
  const page = renderReferencePage(buildOpenApiDocument([hostile], '1.0.0<i>'));
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/<img/i);
  expect(page).not.toContain('<b>bold</b>');
  expect(page).not.toContain('<i>');
  expect(page).toContain('&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt;');
  expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
});

it('loads nothing external and runs no script; the CSP allows only its own style', () => {
  expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=/i);
  expect(html).not.toMatch(/href="(?!#|\/v1\/openapi\.json")/);
  const response = referencePageResponse(document);
  expect(response.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
  const csp = String(response.headers?.['content-security-policy']);
  expect(csp).toMatch(/^default-src 'none'; /);
  expect(csp).not.toMatch(/script-src|unsafe-inline/);
  const style = /<style>([\s\S]*?)<\/style>/.exec(response.body)?.[1] ?? '';
  expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
});
