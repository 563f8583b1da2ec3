/**
 * Client input never causes a 5xx or a hang, end to end through the local gateway: odd time
 * ranges, malformed percent-encoding, prototype-named parameters, forged and foreign cursors,
 * text that is not text, bodies in other charsets, with repeated keys, with invalid UTF-8 or over
 * any size. Each answers a 4xx problem and leaves the ingest queue as it was. And the other side:
 * a review written with emoji comes out of the SQS emulator and the table exactly as sent (NFC).
 */
import { cursorScope, encodeCursor } from '../../src/shared/cursor';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(60_000);

let stack: TestStack;
let supplierA: { supplierId: string; apiKey: string };
let supplierB: { supplierId: string; apiKey: string };

beforeAll(async () => {
  stack = await startTestStack();
  [supplierA, supplierB] = await Promise.all([
    stack.newSupplier('Hardened A'),
    stack.newSupplier('Hardened B'),
  ]);
});
afterAll(async () => {
  await stack?.cleanup();
});

const review = (overrides: Record<string, unknown> = {}) => ({
  rating: 5,
  title: 'Lovely',
  body: 'Flowers were perfect.',
  reviewerName: 'Sam',
  ...overrides,
});

async function importReview(key: string, externalId: string, overrides: Record<string, unknown> = {}) {
  const response = await stack.call('POST', '/v1/reviews', {
    key,
    body: review({ platform: 'google', externalId, ...overrides }),
  });
  expect(response.status).toBe(202);
  return String(response.json.reviewId);
}

async function waitStored(key: string, reviewId: string): Promise<Record<string, unknown>> {
  let stored: Record<string, unknown> = {};
  await eventually(async () => {
    const response = await stack.call('GET', `/v1/reviews/${reviewId}`, { key });
    stored = response.json;
    return response.status === 200;
  }, `review ${reviewId} stored`);
  return stored;
}

/** Raw request (bytes, any header), answered as status, headers and parsed problem. */
async function raw(
  method: string,
  path: string,
  init: { key?: string; body?: Buffer | string; contentType?: string },
) {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

function expectProblem(
  response: { status: number; headers: Headers; json: Record<string, unknown> },
  status: number,
  fields: string[] = [],
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.json).toMatchObject({ status, type: expect.stringMatching(/^urn:wedsync:problem:/) });
  const paths = ((response.json.errors ?? []) as { path: string }[]).map((e) => e.path);
  for (const field of fields) expect(paths).toContain(field);
}

describe('text outside the BMP survives the whole pipeline', () => {
  it('stores a review with emoji, astral letters and a decomposed accent exactly as sent (after NFC)', async () => {
    const title = 'Perfect day 💐😍';
    const body = 'Cafe\u0301 flowers 👰🏽‍♀️🤵🏿 — 𝔉𝔬𝔯𝔢𝔳𝔢𝔯 grateful 🙏\nSecond line\twith a tab';
    const reviewerName = 'Zoë & 李';
    const reviewId = await importReview(supplierA.apiKey, 'emoji-1', { title, body, reviewerName });
    const stored = await waitStored(supplierA.apiKey, reviewId);
    expect(stored.title).toBe(title);
    expect(stored.body).toBe(body.normalize('NFC'));
    expect(stored.body).toContain('Caf\u00e9');
    expect(stored.reviewerName).toBe(reviewerName);
  });

  it('derives the same id from an externalId in NFC and in NFD (normalised before ids)', async () => {
    const composed = await importReview(supplierA.apiKey, 'caf\u00e9-1');
    const decomposed = await importReview(supplierA.apiKey, 'cafe\u0301-1');
    expect(decomposed).toBe(composed);
  });
});

describe('time ranges on GET /v1/reviews', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, at] of [
      ['early', '2026-03-01T04:30:00Z'],
      ['middle', '2026-03-01T05:30:00Z'],
      ['late', '2026-03-01T06:30:00Z'],
    ] as const) {
      ids[name] = await importReview(supplierB.apiKey, `range-${name}`, { submittedAt: at });
    }
    await Promise.all(Object.values(ids).map((id) => waitStored(supplierB.apiKey, id)));
  });

  const list = (query: string) => stack.call('GET', `/v1/reviews?${query}`, { key: supplierB.apiKey });
  const listedIds = (response: { json: Record<string, unknown> }) =>
    (response.json.items as { reviewId: string }[]).map((r) => r.reviewId);

  it('honours an offset: 10:00+05:00 to 11:00+05:00 is 05:00Z to 06:00Z', async () => {
    const response = await list(
      `from=${encodeURIComponent('2026-03-01T10:00:00+05:00')}&to=${encodeURIComponent('2026-03-01T11:00:00+05:00')}`,
    );
    expect(response.status).toBe(200);
    expect(listedIds(response)).toEqual([ids.middle]);
  });

  it('compares mixed offsets as instants (a string compare would call this range reversed)', async () => {
    const response = await list(
      `from=${encodeURIComponent('2026-03-01T10:00:00+05:00')}&to=${encodeURIComponent('2026-03-01T06:00:00Z')}`,
    );
    expect(response.status).toBe(200);
    expect(listedIds(response)).toEqual([ids.middle]);
  });

  it('answers 400 naming from and to for a reversed range, also one a string compare would accept', async () => {
    expectProblem(await list('from=2026-03-02&to=2026-03-01'), 400, ['from', 'to']);
    expectProblem(
      await list(`from=2026-03-01T04:00:00Z&to=${encodeURIComponent('2026-03-01T08:00:00+05:00')}`),
      400,
      ['from', 'to'],
    );
  });

  it('takes a date as a whole UTC day', async () => {
    const response = await list('from=2026-03-01&to=2026-03-01');
    expect(listedIds(response).sort()).toEqual(Object.values(ids).sort());
  });
});

describe('bad input: a 4xx problem and nothing changed', () => {
  beforeAll(async () => {
    // Nothing drains the ingest queue meanwhile, so an unchanged depth means nothing was queued.
    await stack.workers.pause('Ingest');
  });
  afterAll(async () => {
    await stack.workers.resume('Ingest');
  });

  let before = 0;
  beforeEach(async () => {
    before = await stack.queueDepth('Ingest');
  });
  afterEach(async () => {
    expect(await stack.queueDepth('Ingest')).toBe(before);
  });

  const post = (body: unknown, key = supplierA.apiKey) => stack.call('POST', '/v1/reviews', { key, body });

  it.each([
    ['/v1/reviews/%E0%A4%A', 'id'],
    ['/v1/reviews/%ZZ', 'id'],
    ['/v1/webhook-endpoints/%C3%28/deliveries', 'id'],
  ])('malformed percent-encoding in the path %s is a 400', async (path, field) => {
    expectProblem(await raw('GET', path, { key: supplierA.apiKey }), 400, [field]);
  });

  it.each([
    ['platform=%ZZ', 'platform'],
    ['cursor=%E0%A4%A', 'cursor'],
    ['%C3%28=1', '%C3%28'],
    ['limit=5%', 'limit'],
  ])('malformed percent-encoding in the query ?%s is a 400', async (query, field) => {
    expectProblem(await raw('GET', `/v1/reviews?${query}`, { key: supplierA.apiKey }), 400, [field]);
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', '__defineGetter__', 'valueOf'])(
    'a query parameter called %s is a 400 naming it, on routes with and without a query',
    async (name) => {
      expectProblem(await raw('GET', `/v1/reviews?${name}=1`, { key: supplierA.apiKey }), 400, [name]);
      expectProblem(await raw('GET', `/v1/reviews/summary?${name}=x`, { key: supplierA.apiKey }), 400, [
        name,
      ]);
      // Nothing was polluted: a plain listing still works.
      expect((await raw('GET', '/v1/reviews?limit=1', { key: supplierA.apiKey })).status).toBe(200);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    },
  );

  it('a parameter given twice is a 400 naming it', async () => {
    expectProblem(await raw('GET', '/v1/reviews?rating=5&rating=1', { key: supplierA.apiKey }), 400, [
      'rating',
    ]);
  });

  it('a forged, tampered or foreign cursor is a 400, on both lists', async () => {
    const first = await stack.call('GET', '/v1/reviews?limit=1', { key: supplierA.apiKey });
    const cursor = String(first.json.nextCursor);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    // Genuine: it works for its owner and its filters.
    expect(
      (await stack.call('GET', `/v1/reviews?limit=1&cursor=${cursor}`, { key: supplierA.apiKey })).status,
    ).toBe(200);
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const unsigned = cursor.split('.')[0];
    const selfSigned = encodeCursor(
      { gsi1pk: `SUPPLIER#${supplierA.supplierId}`, gsi1sk: 'x', pk: 'x', sk: 'x' },
      cursorScope({ list: 'reviews', supplierId: supplierA.supplierId }),
      ['a key we do not have'],
    );
    for (const [key, query] of [
      [supplierB.apiKey, `cursor=${cursor}`], // another supplier's
      [supplierA.apiKey, `cursor=${cursor}&platform=google`], // other filters
      [supplierA.apiKey, `cursor=${tampered}`],
      [supplierA.apiKey, `cursor=${unsigned}`],
      [supplierA.apiKey, `cursor=${selfSigned}`],
    ] as const) {
      expectProblem(await stack.call('GET', `/v1/reviews?${query}`, { key }), 400, ['cursor']);
    }
    const endpoint = await stack.call('POST', '/v1/webhook-endpoints', {
      key: supplierA.apiKey,
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['review.received'] },
    });
    expect(endpoint.status).toBe(201);
    expectProblem(
      await stack.call(
        'GET',
        `/v1/webhook-endpoints/${String(endpoint.json.id)}/deliveries?cursor=${cursor}`,
        {
          key: supplierA.apiKey,
        },
      ),
      400,
      ['cursor'],
    );
  });

  const badTexts: [string, string][] = [
    ['NUL', 'a\u0000b'],
    ['a control character', 'a\u001bb'],
    ['a C1 control character', 'a\u0085b'],
    ['a lone surrogate', 'a\ud800b'],
    ['U+FFFE', 'a\ufffeb'],
    ['U+FFFF', 'a\uffffb'],
    ['U+FDD0', 'a\ufdd0b'],
    ['U+10FFFF', 'a\u{10ffff}b'],
  ];
  it.each(badTexts)('text with %s is a 422 naming the field, in every body with text', async (_name, bad) => {
    // Sent as JSON escapes, so the very code units reach the handler (a lone surrogate survives).
    const json = (value: Record<string, unknown>) =>
      JSON.stringify(value).replace(
        // eslint-disable-next-line no-control-regex -- escaping control characters is the point
        /[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    const send = (method: string, path: string, value: Record<string, unknown>) =>
      raw(method, path, { key: supplierA.apiKey, contentType: 'application/json', body: json(value) });
    for (const field of ['title', 'body', 'reviewerName', 'externalId']) {
      expectProblem(
        await send('POST', '/v1/reviews', review({ platform: 'google', externalId: 'x', [field]: bad })),
        422,
        [field],
      );
    }
    expectProblem(
      await send('POST', '/v1/review-requests', {
        coupleName: bad,
        email: 'a@example.com',
        weddingDate: '2026-06-20',
      }),
      422,
      ['coupleName'],
    );
    expectProblem(
      await send('POST', '/v1/webhook-endpoints', {
        url: 'http://127.0.0.1:9/hook',
        eventTypes: ['review.received'],
        description: bad,
      }),
      422,
      ['description'],
    );
    expectProblem(await send('POST', '/v1/classify', { task: 'sentiment', texts: ['fine', bad] }), 422, [
      'texts.1',
    ]);
  });

  it('counts lengths in code points: 201 emoji are one too many for a title', async () => {
    expectProblem(
      await post(review({ platform: 'google', externalId: 'len', title: '😍'.repeat(201) })),
      422,
      ['title'],
    );
  });

  it('a body in another charset is a 415', async () => {
    const response = await raw('POST', '/v1/reviews', {
      key: supplierA.apiKey,
      contentType: 'application/json; charset=latin1',
      body: Buffer.from(JSON.stringify(review({ platform: 'google', externalId: 'latin' })), 'latin1'),
    });
    expectProblem(response, 415);
  });

  it('a repeated key is a 400 naming it', async () => {
    const response = await raw('POST', '/v1/reviews', {
      key: supplierA.apiKey,
      contentType: 'application/json',
      body: '{"rating":5,"rating":1,"title":"t","body":"b","reviewerName":"n","platform":"google","externalId":"dup"}',
    });
    expectProblem(response, 400, ['rating']);
  });

  it('invalid UTF-8 bytes in a body are a 400 (even without control bytes)', async () => {
    const valid = Buffer.from(
      JSON.stringify(review({ platform: 'google', externalId: 'bytes', title: 'Tï' })),
    );
    const broken = Buffer.from(valid);
    broken[broken.indexOf(0xc3)] = 0xff; // the lead byte of ï, now a byte UTF-8 never uses
    expectProblem(
      await raw('POST', '/v1/reviews', {
        key: supplierA.apiKey,
        contentType: 'application/json',
        body: broken,
      }),
      400,
    );
  });

  it.each([
    ['just over the 64 KiB contract limit', 64 * 1024 + 1],
    ['1 MiB', 1024 * 1024],
    ['over the gateway cap of 10 MiB (answered, the connection kept)', 10 * 1024 * 1024 + 4096],
  ])('a body %s is a 413', async (_name, size) => {
    const body = Buffer.alloc(size, 0x61);
    body.write('{"title":"', 0);
    body.write('"}', size - 2);
    const response = await raw('POST', '/v1/reviews', {
      key: supplierA.apiKey,
      contentType: 'application/json',
      body,
    });
    expectProblem(response, 413);
  });
});
