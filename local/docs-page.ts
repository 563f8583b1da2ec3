/**
 * The local mode's API reference page (`GET /docs`): one static HTML page rendered from the
 * OpenAPI document by this small renderer. No scripts, no external resources (a CSP that allows
 * only its own inline style says so), and every value from the document is HTML-escaped.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '../src/catalog/openapi';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem 2rem; color: #1b1b1b; }
h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; } h3 { margin-top: 2rem; }
code, pre { font: 13px/1.4 ui-monospace, monospace; } pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; } td, th { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
.method { display: inline-block; min-width: 4.5rem; font-weight: bold; } .muted { color: #666; }
.op { border-left: 4px solid #4a7; padding-left: 1rem; } .op.public { border-color: #57c; }
nav ul { columns: 2; } details { margin: .25rem 0 .75rem; }
`;

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An id attribute value: only letters, digits and dashes. */
const anchor = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9]+/g, '-');

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

const refName = (ref: string): string => ref.split('/').pop() ?? ref;

/** A one-line summary of a schema: a link to a named schema, or its type and main constraints. */
function schemaSummary(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return `<a href="#${anchor('schema', name)}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(schemaSummary).join(' or ');
  const parts: string[] = [escapeHtml(schema.type ?? 'any')];
  if (Array.isArray(schema.enum))
    parts.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(v)}</code>`).join(', ')}`);
  if (schema.format) parts.push(`format ${escapeHtml(schema.format)}`);
  else if (schema.pattern) parts.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  if (schema.maxLength !== undefined) parts.push(`at most ${escapeHtml(schema.maxLength)} characters`);
  return parts.join(', ');
}

function securityOf(operation: OpenApiOperation): string {
  if (operation.security.length === 0) return 'none (public)';
  return operation.security
    .flatMap((requirement) => Object.keys(requirement))
    .map((name) => `<a href="#${anchor('security', name)}">${escapeHtml(name)}</a>`)
    .join(' or ');
}

function parametersTable(operation: OpenApiOperation): string {
  const parameters = operation.parameters ?? [];
  if (parameters.length === 0) return '';
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td>` +
        `<td>${p.required ? 'yes' : 'no'}</td><td>${schemaSummary(p.schema as JsonSchema)}</td>` +
        `<td>${escapeHtml(p.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${rows}</table>`;
}

type Media = Record<string, { schema?: JsonSchema; example?: unknown }>;

function requestBody(operation: OpenApiOperation): string {
  const content = operation.requestBody?.content as Media | undefined;
  if (!content) return '';
  return Object.entries(content)
    .map(
      ([type, media]) =>
        `<h4>Request body</h4><p><code>${escapeHtml(type)}</code>: ${schemaSummary(media.schema)}</p>` +
        (media.example !== undefined
          ? `<details open><summary>Example</summary>${json(media.example)}</details>`
          : ''),
    )
    .join('');
}

function responses(operation: OpenApiOperation, document: OpenApiDocument): string {
  const rows = Object.entries(operation.responses).map(([status, response]) => {
    if (typeof response.$ref === 'string') {
      const name = refName(response.$ref);
      const shared = document.components.responses[name];
      return (
        `<tr><td>${escapeHtml(status)}</td><td><a href="#${anchor('response', name)}">${escapeHtml(name)}</a>` +
        ` <span class="muted">application/problem+json</span></td><td>${escapeHtml(shared?.description ?? '')}</td></tr>`
      );
    }
    const content = (response.content ?? {}) as Media;
    const media = Object.entries(content)
      .map(([type, m]) => `<code>${escapeHtml(type)}</code>: ${schemaSummary(m.schema)}`)
      .join('<br>');
    const headers = Object.keys((response.headers ?? {}) as object)
      .map((h) => `<code>${escapeHtml(h)}</code>`)
      .join(', ');
    const examples = Object.values(content)
      .filter((m) => m.example !== undefined)
      .map((m) => `<details><summary>Example</summary>${json(m.example)}</details>`)
      .join('');
    return (
      `<tr><td><strong>${escapeHtml(status)}</strong></td><td>${media || '<span class="muted">no body</span>'}` +
      `${headers ? `<br>headers: ${headers}` : ''}${examples}</td><td>${escapeHtml(response.description ?? '')}</td></tr>`
    );
  });
  return `<h4>Responses</h4><table><tr><th>status</th><th>body</th><th>description</th></tr>${rows.join('')}</table>`;
}

function operationSection(
  path: string,
  method: string,
  operation: OpenApiOperation,
  document: OpenApiDocument,
): string {
  const isPublic = operation.security.length === 0;
  return (
    `<section class="op${isPublic ? ' public' : ''}" id="${anchor('op', operation.operationId)}">` +
    `<h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>` +
    `<p>${escapeHtml(operation.summary)}</p>` +
    `<p class="muted">operationId <code>${escapeHtml(operation.operationId)}</code> · auth: ${securityOf(operation)}</p>` +
    parametersTable(operation) +
    requestBody(operation) +
    responses(operation, document) +
    `</section>`
  );
}

/** The reference page for a document, as one HTML string. */
export function renderReferencePage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
  const byTag = document.tags.map((tag) => ({
    tag,
    operations: operations.filter(({ operation }) => operation.tags.includes(tag.name)),
  }));
  const nav = byTag
    .map(
      ({ tag, operations: ops }) =>
        `<li><a href="#${anchor('tag', tag.name)}">${escapeHtml(tag.name)}</a><ul>${ops
          .map(
            ({ path, method, operation }) =>
              `<li><a href="#${anchor('op', operation.operationId)}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const description = String(document.info.description)
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('');
  const servers = document.servers
    .map((s) => `<li><code>${escapeHtml(s.url)}</code> ${escapeHtml(s.description ?? '')}</li>`)
    .join('');
  const security = Object.entries(document.components.securitySchemes)
    .map(
      ([name, scheme]) =>
        `<dt id="${anchor('security', name)}"><code>${escapeHtml(name)}</code>: ${escapeHtml(scheme.type)} ` +
        `${escapeHtml(scheme.scheme ?? '')} ${escapeHtml(scheme.bearerFormat ?? '')}</dt><dd>${escapeHtml(scheme.description ?? '')}</dd>`,
    )
    .join('');
  const sections = byTag
    .map(
      ({ tag, operations: ops }) =>
        `<h2 id="${anchor('tag', tag.name)}">${escapeHtml(tag.name)}</h2><p>${escapeHtml(tag.description)}</p>` +
        ops
          .map(({ path, method, operation }) => operationSection(path, method, operation, document))
          .join(''),
    )
    .join('');
  const errorResponses = Object.entries(document.components.responses)
    .map(([name, response]) => {
      const content = (response.content ?? {}) as Record<
        string,
        { examples?: Record<string, { value: unknown }> }
      >;
      const examples = Object.values(content)
        .flatMap((m) => Object.entries(m.examples ?? {}))
        .map(([kind, { value }]) => `<details><summary>${escapeHtml(kind)}</summary>${json(value)}</details>`)
        .join('');
      const headers = Object.keys((response.headers ?? {}) as object).join(', ');
      return (
        `<h3 id="${anchor('response', name)}">${escapeHtml(name)}</h3><p>${escapeHtml(response.description)}` +
        `${headers ? ` Headers: <code>${escapeHtml(headers)}</code>.` : ''}</p>${examples}`
      );
    })
    .join('');
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<h3 id="${anchor('schema', name)}">${escapeHtml(name)}</h3>` +
        (schema.description ? `<p>${escapeHtml(schema.description)}</p>` : '') +
        `<details><summary>JSON Schema</summary>${json(schema)}</details>`,
    )
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(document.info.title)}</h1>
<p class="muted">version ${escapeHtml(document.info.version)} · OpenAPI ${escapeHtml(document.openapi)} ·
<a href="/v1/openapi.json">/v1/openapi.json</a> (the machine-readable document this page is rendered from)</p>
${description}
<h2>Servers</h2><ul>${servers}</ul>
<h2>Authentication</h2><dl>${security}</dl>
<h2>Operations</h2><nav><ul>${nav}</ul></nav>
${sections}
<h2>Error responses</h2>
${errorResponses}
<h2>Schemas</h2>
${schemas}
</body>
</html>
`;
}

/** The page as an HTTP answer: HTML with a policy that allows no script and nothing external. */
export function referencePageResponse(document: OpenApiDocument): APIGatewayProxyResult {
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
    body: renderReferencePage(document),
  };
}
