/**
 * The local operations page (`GET /ops`): the global dashboard's business KPIs and health figures
 * for the local system, with per-minute charts over the last hour, refreshed every few seconds.
 *
 * The page itself is a static shell with no data. Its script asks for an ops key (kept in
 * sessionStorage, sent as `Authorization: Bearer` on its own requests) and reads only endpoints
 * that refuse anything but an ops key: the API's `/v1/ops/integrations/health` and `/v1/ops/models`,
 * and the local mode's `/ops/metrics.json` (collector.ts). Charts are SVG drawn by the script; no
 * external resource, no library. A strict policy allows exactly this script and this style (by
 * hash), requests to this origin only, and Trusted Types with no policy: the script never parses
 * HTML, every value reaches the page as text (textContent, SVG attributes).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Where the local gateway serves the page, and its data (for ops keys only). */
export const OPS_PATH = '/ops';
export const OPS_METRICS_PATH = '/ops/metrics.json';

/** How often the page reads its figures again. */
export const OPS_REFRESH_MS = 5000;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 82rem; padding: 1rem 2rem; color: #1b1b1b; }
h1 { margin: 0 0 .25rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.75rem; font-size: 1.15rem; }
.muted { color: #666; } .error { background: #fde8e8; border: 1px solid #c62828; color: #8e0000; padding: .6rem .8rem; margin: .75rem 0; }
form { margin: 1.5rem 0; } input { font: inherit; padding: .3rem; width: 28rem; max-width: 100%; } button { font: inherit; padding: .3rem .8rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .7rem; } .tile .value { display: block; font-size: 1.5rem; font-weight: 600; }
.tile .label { color: #555; font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ddd; padding: .25rem .55rem; text-align: left; } td.num { text-align: right; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; } figcaption { font-weight: 600; margin-bottom: .25rem; }
svg text { font: 11px system-ui, sans-serif; fill: #555; } .legend { font-size: .85rem; }
.state-healthy { color: #1b7f3b; } .state-degraded { color: #a66300; } .state-down { color: #b00020; }
header { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: 1rem; }
`;

/** The page's script: plain DOM, no HTML parsing anywhere (Trusted Types would refuse it). */
const SCRIPT = String.raw`
(function () {
  'use strict';
  var KEY = 'wedsync-ops-key';
  var REFRESH_MS = ${OPS_REFRESH_MS};
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var timer = null;
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function count(v) { return isNum(v) ? String(Math.round(v)) : 'no data'; }
  function percent(v) { return isNum(v) ? (v * 100).toFixed(1) + '%' : 'no data'; }
  function stars(v) { return isNum(v) ? v.toFixed(2) : 'no data'; }
  function seconds(v) { return isNum(v) ? String(v) + ' s' : 'none'; }

  function showError(message) {
    var box = byId('error');
    box.textContent = message || '';
    box.hidden = !message;
  }
  function setFigure(name, text) {
    var node = document.querySelector('[data-figure="' + name + '"]');
    if (node) node.textContent = text;
  }

  function signedOut(message) {
    if (timer) clearTimeout(timer);
    timer = null;
    sessionStorage.removeItem(KEY);
    byId('dashboard').hidden = true;
    byId('signin').hidden = false;
    byId('signout').hidden = true;
    showError(message);
  }

  function getJson(path) {
    return fetch(path, {
      headers: { authorization: 'Bearer ' + sessionStorage.getItem(KEY), accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!response.ok) {
          var error = new Error(path + ' answered ' + response.status + (body && body.detail ? ': ' + body.detail : ''));
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function table(container, headings, rows) {
    clear(container);
    if (rows.length === 0) { container.appendChild(el('p', 'None yet.', { class: 'muted' })); return; }
    var t = el('table');
    var head = el('tr');
    headings.forEach(function (h) { head.appendChild(el('th', h)); });
    t.appendChild(head);
    rows.forEach(function (row) {
      var tr = el('tr', null, row.attrs);
      row.cells.forEach(function (cell) {
        var td = el('td', cell.text, { 'data-field': cell.field });
        if (cell.num) td.className = 'num';
        if (cell.className) td.className = cell.className;
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    container.appendChild(t);
  }

  function renderKpis(k) {
    setFigure('reviewRequestsSent', count(k.reviewRequestsSent));
    setFigure('reviewRequestsCompleted', count(k.reviewRequestsCompleted));
    setFigure('conversion', percent(k.conversion));
    setFigure('reviewsStored', count(k.reviewsStored));
    setFigure('averageRating', stars(k.averageRating));
    setFigure('negativeShare', percent(k.negativeShare));
    setFigure('webhookSuccessRatio', percent(k.webhookSuccessRatio));
    setFigure('webhookAttempts', count(k.webhookAttempts));
    setFigure('rejectedMessages', count(k.rejectedMessages));
    setFigure('functionErrors', count(k.functionErrors));
    table(byId('platforms'), ['platform', 'reviews stored (last hour)'],
      Object.keys(k.reviewsByPlatform).map(function (p) {
        return { attrs: { 'data-platform': p }, cells: [
          { text: p, field: 'platform' },
          { text: count(k.reviewsByPlatform[p]), field: 'reviews', num: true },
        ] };
      }));
  }

  function renderQueues(queues) {
    if (!queues) { byId('queues').textContent = 'The SQS emulator did not answer this time.'; return; }
    table(byId('queues'), ['queue', 'messages', 'dead-letter queue'], queues.map(function (q) {
      return { attrs: { 'data-queue': q.queue }, cells: [
        { text: q.queue, field: 'queue' },
        { text: count(q.depth), field: 'depth', num: true },
        { text: count(q.dlqDepth), field: 'dlqDepth', num: true },
      ] };
    }));
  }

  function renderHealth(health) {
    byId('health-generated').textContent = 'as of ' + health.generatedAt;
    table(byId('health'), ['platform', 'state', 'breaker', 'error rate 5 min', 'error rate 1 h', 'calls 1 h', 'max sync lag', 'connections'],
      health.platforms.map(function (p) {
        return { attrs: { 'data-platform': p.platform }, cells: [
          { text: p.platform, field: 'platform' },
          { text: p.state, field: 'state', className: 'state-' + p.state },
          { text: p.breaker.status, field: 'breaker' },
          { text: percent(p.errorRate5m), field: 'errorRate5m', num: true },
          { text: percent(p.errorRate1h), field: 'errorRate1h', num: true },
          { text: count(p.calls1h), field: 'calls1h', num: true },
          { text: seconds(p.maxSyncLagSeconds), field: 'maxSyncLagSeconds', num: true },
          { text: count(p.connections.length), field: 'connections', num: true },
        ] };
      }));
  }

  function renderModels(status) {
    table(byId('models'), ['task', 'variant', 'version', 'predictions (1 h)', 'drift score', 'drift alarm', 'agreement alarm'],
      status.models.map(function (m) {
        return { attrs: { 'data-model': m.task + '/' + m.variant }, cells: [
          { text: m.task, field: 'task' },
          { text: m.variant, field: 'variant' },
          { text: m.modelVersion, field: 'modelVersion' },
          { text: count(m.predictions), field: 'predictions', num: true },
          { text: isNum(m.driftScore) ? m.driftScore.toFixed(3) : 'no data', field: 'driftScore', num: true },
          { text: m.alarms.drift, field: 'driftAlarm' },
          { text: m.alarms.agreement || 'n/a', field: 'agreementAlarm' },
        ] };
      }));
  }

  function chart(spec, minutes) {
    var W = 520, H = 170, L = 44, R = 8, T = 8, B = 22;
    var figure = el('figure', null, { 'data-chart': spec.title });
    figure.appendChild(el('figcaption', spec.title));
    var values = [];
    spec.lines.forEach(function (line) { line.values.forEach(function (v) { if (isNum(v)) values.push(v); }); });
    var max = Math.max(1, Math.max.apply(null, values.concat([0])));
    var box = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img', 'aria-label': spec.title });
    var x = function (i) { return L + (i * (W - L - R)) / Math.max(1, minutes.length - 1); };
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    [0, 0.5, 1].forEach(function (f) {
      box.appendChild(svg('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e3e3e3' }));
      var label = svg('text', { x: L - 4, y: y(max * f) + 4, 'text-anchor': 'end' });
      label.textContent = String(Math.round(max * f * 100) / 100);
      box.appendChild(label);
    });
    var first = svg('text', { x: L, y: H - 6 });
    first.textContent = '-' + minutes.length + ' min';
    box.appendChild(first);
    var last = svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' });
    last.textContent = 'now';
    box.appendChild(last);
    var legend = el('div', null, { class: 'legend' });
    spec.lines.forEach(function (line, index) {
      var colour = COLORS[index % COLORS.length];
      var d = '';
      var pen = 'M';
      line.values.forEach(function (v, i) {
        if (!isNum(v)) { pen = 'M'; return; }
        d += pen + x(i).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
        pen = 'L';
      });
      if (d) box.appendChild(svg('path', { d: d, fill: 'none', stroke: colour, 'stroke-width': 2, 'data-line': line.label }));
      line.values.forEach(function (v, i) {
        if (isNum(v) && v > 0) box.appendChild(svg('circle', { cx: x(i), cy: y(v), r: 2.5, fill: colour }));
      });
      var key = svg('svg', { width: 10, height: 10 });
      key.appendChild(svg('rect', { width: 10, height: 10, fill: colour }));
      legend.appendChild(key);
      legend.appendChild(document.createTextNode(' ' + line.label + '   '));
    });
    if (spec.lines.length === 0) legend.appendChild(el('span', 'No data in the last hour.', { class: 'muted' }));
    figure.appendChild(box);
    figure.appendChild(legend);
    return figure;
  }

  function renderCharts(snapshot) {
    var container = byId('charts');
    clear(container);
    snapshot.charts.forEach(function (spec) { container.appendChild(chart(spec, snapshot.minutes)); });
  }

  function refresh() {
    if (timer) clearTimeout(timer);
    timer = null;
    return Promise.all([
      getJson('${OPS_METRICS_PATH}'),
      getJson('/v1/ops/integrations/health'),
      getJson('/v1/ops/models?hours=1'),
    ]).then(function (answers) {
      renderKpis(answers[0].kpis);
      renderQueues(answers[0].queues);
      renderCharts(answers[0]);
      renderHealth(answers[1]);
      renderModels(answers[2]);
      showError('');
      byId('signin').hidden = true;
      byId('signout').hidden = false;
      byId('dashboard').hidden = false;
      byId('updated').textContent = 'Updated ' + new Date(answers[0].generatedAt).toLocaleTimeString() + ', every ' + REFRESH_MS / 1000 + ' s';
      document.body.setAttribute('data-refreshes', String(Number(document.body.getAttribute('data-refreshes') || 0) + 1));
    }, function (error) {
      if (error.status === 401 || error.status === 403) {
        signedOut('The ops key was refused (' + error.message + '). Sign in with an ops key: npm start prints one, npm run cli -- create-ops-key makes another.');
        return;
      }
      showError('Could not refresh: ' + error.message + '. Trying again in ' + REFRESH_MS / 1000 + ' s.');
    }).then(function () {
      if (sessionStorage.getItem(KEY) && !timer) timer = setTimeout(refresh, REFRESH_MS);
    });
  }

  byId('signin').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = byId('key').value.trim();
    if (!key) { showError('Enter an ops key.'); return; }
    sessionStorage.setItem(KEY, key);
    byId('key').value = '';
    refresh();
  });
  byId('signout').addEventListener('click', function () { signedOut(''); });
  if (sessionStorage.getItem(KEY)) refresh();
  else byId('signin').hidden = false;
})();
`;

const tile = (figure: string, label: string): string =>
  `<div class="tile"><span class="label">${label}</span><span class="value" data-figure="${figure}">–</span></div>`;

/** The page's HTML: nothing in it comes from a request or from data. */
export function renderOpsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>WedSync operations (local)</title>
<style>${STYLE}</style>
</head>
<body>
<header><div><h1>WedSync operations</h1>
<p class="muted">The local system, last 60 minutes: the global dashboard's KPIs and health figures.</p></div>
<div><span id="updated" class="muted"></span> <button id="signout" type="button" hidden>Sign out</button></div></header>
<div id="error" class="error" role="alert" hidden></div>
<form id="signin" hidden autocomplete="off">
<p>Sign in with an ops key (<code>npm start</code> prints one; <code>npm run cli -- create-ops-key</code> makes another).
It stays in this tab only (sessionStorage) and is sent as <code>Authorization: Bearer</code> to the ops endpoints.</p>
<label>Ops key <input id="key" type="password" autocomplete="off" spellcheck="false" placeholder="wsk_..."></label>
<button type="submit">Sign in</button>
</form>
<main id="dashboard" hidden>
<h2>Business KPIs (last hour)</h2>
<div class="tiles">
${tile('reviewRequestsSent', 'Review requests sent')}
${tile('reviewRequestsCompleted', 'Review requests completed')}
${tile('conversion', 'Conversion')}
${tile('reviewsStored', 'Reviews stored')}
${tile('averageRating', 'Average rating (stars)')}
${tile('negativeShare', 'Negative share')}
${tile('webhookSuccessRatio', 'Webhook success ratio')}
${tile('webhookAttempts', 'Webhook delivery attempts')}
${tile('rejectedMessages', 'Parked (rejected) messages')}
${tile('functionErrors', 'Function errors')}
</div>
<h2>Reviews stored by platform (last hour)</h2>
<div id="platforms"></div>
<h2>Charts (per minute)</h2>
<div id="charts" class="charts"></div>
<h2>Integration health <span id="health-generated" class="muted"></span></h2>
<p class="muted">From <code>GET /v1/ops/integrations/health</code>.</p>
<div id="health"></div>
<h2>Queues and dead-letter queues (now)</h2>
<div id="queues"></div>
<h2>Models (last hour)</h2>
<p class="muted">From <code>GET /v1/ops/models?hours=1</code>.</p>
<div id="models"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64');

/** The Content-Security-Policy of the page: its own script and style only, requests to itself only. */
export function opsPagePolicy(): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    `style-src 'sha256-${sha256(STYLE)}'`,
    "connect-src 'self'",
    'img-src data:',
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function opsPageResponse(): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': opsPagePolicy(),
    },
    body: renderOpsPage(),
  };
}

/** The page's data as an HTTP answer (never cached: it is the live state). */
export function opsJsonResponse(value: unknown): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify(value),
  };
}
