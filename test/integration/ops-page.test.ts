/**
 * The local operations page (issue 10) in a real headless browser (Debian's chromium driven by
 * playwright-core) against the local mode: after real traffic (an e-mailed review request and its
 * review, supplier reviews, webhook deliveries to a real receiver), the page signed in with an ops
 * key shows the figures the API itself reports (review summary, integration health, models),
 * draws its charts, updates without a reload when a new review is stored, and logs no console
 * error; a wrong key or a supplier's key gets a clear message and no figures; the data endpoint
 * refuses anything but an ops key; a message waiting in a paused queue shows in its row, and is
 * counted as parked once its consumer runs. A screenshot is kept in test-output/ops-page.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { issueApiKey } from '../../src/access';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { sentEmails } from '../../local/ses-emulator';
import { OPS_METRICS_PATH, OPS_PATH } from '../../local/stack';
import { REPO_ROOT } from '../../local/processes';
import { eventually, startTestStack, type TestStack } from './support/stack';
import { startReceiver, type Receiver } from './webhooks/support/receivers';

jest.setTimeout(180_000);

const OUTPUT_DIR = join(REPO_ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: TestStack;
let receiver: Receiver;
let browser: Browser | undefined;
let opsKey: string;
let supplier: { supplierId: string; apiKey: string };
let stdoutSpy: jest.SpyInstance;
const previousMetricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;

beforeAll(async () => {
  // The functions print their EMF metric lines for this file (the page is built on them); their
  // JSON output is kept out of the test report.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const write = process.stdout.write.bind(process.stdout);
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return text.startsWith('{') ? true : write(chunk);
  });
  stack = await startTestStack();
  receiver = await startReceiver('healthy');
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'ops page'))
    .apiKey;
  supplier = await stack.newSupplier('Ops Page Florist');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await stack?.cleanup();
  stdoutSpy?.mockRestore();
  if (previousMetricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = previousMetricsDisabled;
});

interface Snapshot {
  kpis: Record<string, unknown> & { reviewsStored: number; webhookSucceeded: number };
}

const opsGet = async (path: string, key = opsKey) => {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).innerText();

/**
 * The few browser globals the functions run in the page use (this project compiles without the
 * DOM library). Functions, not strings: the page's policy forbids eval, which string predicates need.
 */
interface InPage {
  document: {
    querySelector(selector: string): { textContent: string | null } | null;
    body: { getAttribute(name: string): string | null };
  };
  sessionStorage: { getItem(key: string): string | null };
  stillTheSamePage?: boolean;
}

/** Waits, without reloading, until a figure shows `text`. */
const figureShows = (page: Page, name: string, text: string, timeout = 30_000) =>
  page.waitForFunction(
    ([n, t]) =>
      (globalThis as unknown as InPage).document.querySelector(`[data-figure="${n}"]`)?.textContent === t,
    [name, text] as const,
    { timeout },
  );

/** The key the page keeps in the tab's session storage, if any. */
const storedKey = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as InPage).sessionStorage.getItem('wedsync-ops-key'));

/** A new page whose console errors and uncaught exceptions are collected. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(`${stack.apiUrl}${OPS_PATH}`);
  return { page, errors };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.locator('#key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits until the page has refreshed at least once more than it had when called. */
async function nextRefresh(page: Page): Promise<void> {
  const seen = Number((await page.locator('body').getAttribute('data-refreshes')) ?? 0);
  await page.waitForFunction(
    (before) =>
      Number((globalThis as unknown as InPage).document.body.getAttribute('data-refreshes') ?? 0) > before,
    seen,
    { timeout: 20_000 },
  );
}

const review = (rating: number, extra: Record<string, unknown> = {}) => ({
  rating,
  title: rating >= 4 ? 'Lovely flowers' : 'Disappointing',
  body: rating >= 4 ? 'The bouquets were perfect and on time.' : 'The flowers were wilted and late.',
  reviewerName: 'Sam',
  ...extra,
});

describe('the data endpoint', () => {
  it('answers an ops key only: 401 without or with an unknown key, 403 to a supplier key', async () => {
    const none = await fetch(`${stack.apiUrl}${OPS_METRICS_PATH}`);
    expect(none.status).toBe(401);
    expect((await opsGet(OPS_METRICS_PATH, issueApiKey().apiKey)).status).toBe(401);
    const asSupplier = await opsGet(OPS_METRICS_PATH, supplier.apiKey);
    expect(asSupplier).toMatchObject({ status: 403, json: { detail: 'this route needs an ops key' } });
    const asOps = await opsGet(OPS_METRICS_PATH);
    expect(asOps.status).toBe(200);
    expect(asOps.json).toMatchObject({ windowMinutes: 60, kpis: expect.any(Object) });
  });

  it('serves the page with a policy that allows only its own script, style and origin', async () => {
    const response = await fetch(`${stack.apiUrl}${OPS_PATH}`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-[^']+'(;|$)/);
    expect(policy).toMatch(/connect-src 'self'/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(await response.text()).not.toMatch(/wsk_[A-Za-z0-9]/);
  });
});

describe('the operations page in a headless browser', () => {
  it('shows the numbers the API reports, draws the charts, refreshes live, with no console error', async () => {
    // Traffic: a webhook endpoint, an e-mailed review request answered by the couple, two
    // supplier reviews (one negative), each delivered to the receiver.
    const registered = await stack.call('POST', '/v1/webhook-endpoints', {
      key: supplier.apiKey,
      body: { url: receiver.url, eventTypes: ['review.received'], description: 'ops page receiver' },
    });
    expect(registered.status).toBe(201);
    receiver.secrets = [String(registered.json.secret)];
    const requested = await stack.call('POST', '/v1/review-requests', {
      key: supplier.apiKey,
      body: { coupleName: 'Jo & Max', email: 'jo.ops@example.com', weddingDate: '2026-06-20' },
    });
    expect(requested.status).toBe(202);
    let token: string | undefined;
    await eventually(async () => {
      const mail = (await sentEmails(stack.sesEndpoint)).find((e) =>
        e.destination.to.includes('jo.ops@example.com'),
      );
      token = /#token=(wrt_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail?.body.text ?? '')?.[1];
      return token !== undefined;
    }, 'the review request e-mail');
    const posted = [
      await stack.call('POST', '/v1/reviews', { key: token!, body: review(4) }),
      await stack.call('POST', '/v1/reviews', {
        key: supplier.apiKey,
        body: review(5, { platform: 'google', externalId: 'ops-g-1' }),
      }),
      await stack.call('POST', '/v1/reviews', {
        key: supplier.apiKey,
        body: review(1, { platform: 'trustpilot', externalId: 'ops-t-1' }),
      }),
    ];
    expect(posted.map((p) => p.status)).toEqual([202, 202, 202]);
    await eventually(async () => receiver.byWebhookId.size >= 3, 'three webhook deliveries', 60_000);
    // The metric lines are printed after each batch: wait until the collector has all of them.
    await eventually(async () => {
      const { kpis } = (await opsGet(OPS_METRICS_PATH)).json as unknown as Snapshot;
      return kpis.reviewsStored === 3 && kpis.webhookSucceeded >= 3;
    }, 'the metrics of three stored and delivered reviews');

    const { page, errors } = await openPage();
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    await signIn(page, opsKey);
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    await figureShows(page, 'reviewsStored', '3');
    // The key stays in the tab's session storage only, never in the address or the page.
    expect(await storedKey(page)).toBe(opsKey);
    expect(page.url()).toBe(`${stack.apiUrl}${OPS_PATH}`);

    // The API's own answers, then one more refresh of the page so it shows data at least as new.
    const summary = (await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).json as {
      count: number;
      averageRating: number;
      byPlatform: Record<string, number>;
    };
    const health = (await opsGet('/v1/ops/integrations/health')).json as {
      platforms: { platform: string; state: string; breaker: { status: string }; calls1h: number }[];
    };
    const models = (await opsGet('/v1/ops/models?hours=1')).json as {
      models: { task: string; variant: string; predictions: number; alarms: { drift: string } }[];
    };
    await nextRefresh(page);

    // KPIs: the same figures as the API's review summary of the one supplier of this stack.
    expect(summary.count).toBe(3);
    expect(await figure(page, 'reviewsStored')).toBe(String(summary.count));
    expect(await figure(page, 'averageRating')).toBe(summary.averageRating.toFixed(2));
    expect(await figure(page, 'negativeShare')).toBe('33.3%');
    expect(await figure(page, 'reviewRequestsSent')).toBe('1');
    expect(await figure(page, 'reviewRequestsCompleted')).toBe('1');
    expect(await figure(page, 'conversion')).toBe('100.0%');
    expect(await figure(page, 'webhookSuccessRatio')).toBe('100.0%');
    expect(await figure(page, 'functionErrors')).toBe('0');
    const platformRows = await page
      .locator('#platforms tr[data-platform]')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-platform'),
          Number(row.querySelector('[data-field="reviews"]')?.textContent),
        ]),
      );
    expect(Object.fromEntries(platformRows)).toEqual(summary.byPlatform);

    // Integration health and models: row for row what the ops API answers.
    const healthRows = await page.locator('#health tr[data-platform]').evaluateAll((rows) =>
      rows.map((row) => ({
        platform: row.getAttribute('data-platform'),
        state: row.querySelector('[data-field="state"]')?.textContent,
        breaker: row.querySelector('[data-field="breaker"]')?.textContent,
        calls1h: row.querySelector('[data-field="calls1h"]')?.textContent,
      })),
    );
    expect(healthRows).toEqual(
      health.platforms.map((p) => ({
        platform: p.platform,
        state: p.state,
        breaker: p.breaker.status,
        calls1h: String(p.calls1h),
      })),
    );
    const modelRows = await page.locator('#models tr[data-model]').evaluateAll((rows) =>
      rows.map((row) => ({
        model: row.getAttribute('data-model'),
        predictions: row.querySelector('[data-field="predictions"]')?.textContent,
        drift: row.querySelector('[data-field="driftAlarm"]')?.textContent,
      })),
    );
    expect(models.models.length).toBeGreaterThan(0);
    expect(modelRows).toEqual(
      models.models.map((m) => ({
        model: `${m.task}/${m.variant}`,
        predictions: String(m.predictions),
        drift: m.alarms.drift,
      })),
    );

    // Charts: one per dashboard row, the platforms' lines drawn, the queues listed.
    expect(await page.locator('figure[data-chart]').count()).toBe(8);
    const reviewsChart = page.locator('figure[data-chart^="Reviews stored"]');
    for (const platform of Object.keys(summary.byPlatform)) {
      expect(await reviewsChart.locator(`path[data-line="${platform}"]`).count()).toBe(1);
    }
    expect(await page.locator('#queues tr[data-queue="Ingest"]').count()).toBe(1);

    // Live: a new review changes the figures without a reload.
    await page.evaluate(() => {
      (globalThis as unknown as InPage).stillTheSamePage = true;
    });
    const another = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: review(5, { platform: 'google', externalId: 'ops-g-2' }),
    });
    expect(another.status).toBe(202);
    await figureShows(page, 'reviewsStored', '4');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).stillTheSamePage)).toBe(true);
    expect(await figure(page, 'negativeShare')).toBe('25.0%');

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'ops-page.png'), fullPage: true });
    expect(existsSync(join(OUTPUT_DIR, 'ops-page.png'))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it.each([
    ['an unknown key', () => issueApiKey().apiKey, /refused.*401/],
    ['a supplier key', () => supplier.apiKey, /refused.*403.*needs an ops key/],
  ])('refuses %s with a clear message and shows no figures', async (_what, key, message) => {
    const { page, errors } = await openPage();
    await signIn(page, key());
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.innerText()).toMatch(message);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(await storedKey(page)).toBeNull();
    // Only the browser's own notes of the refused requests, no script error.
    expect(errors.every((e) => /Failed to load resource: .* (401|403)/.test(e))).toBe(true);
    await page.context().close();
  });
});

describe('queues and parked messages on the page', () => {
  it('shows a waiting message in its queue, then parked when its consumer runs again', async () => {
    await stack.workers.pause('Ingest');
    let paused = true;
    try {
      await stack.sqsClient.send(
        new SendMessageCommand({ QueueUrl: stack.queues.Ingest.url, MessageBody: 'not a review at all' }),
      );
      expect(await stack.queueDepth('Ingest')).toBe(1);
      const { page, errors } = await openPage();
      await signIn(page, opsKey);
      const ingestDepth = page.locator('#queues tr[data-queue="Ingest"] [data-field="depth"]');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as InPage).document.querySelector(
            '#queues tr[data-queue="Ingest"] [data-field="depth"]',
          )?.textContent === '1',
        undefined,
        { timeout: 20_000 },
      );
      expect(await ingestDepth.innerText()).toBe(String(await stack.queueDepth('Ingest')));
      const parkedBefore = Number(await figure(page, 'rejectedMessages'));

      await stack.workers.resume('Ingest');
      paused = false;
      await figureShows(page, 'rejectedMessages', String(parkedBefore + 1));
      expect(await stack.scanAll('Rejected')).toHaveLength(parkedBefore + 1);
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      if (paused) await stack.workers.resume('Ingest');
    }
  });
});
