import fc from 'fast-check';
import {
  MAX_URL_LENGTH,
  checkUrlSyntax,
  classifyAddress,
  parseIPv6,
  resolveAndCheck,
  type Resolver,
  type SsrfReason,
} from '#src/webhooks/domain/ssrf';

/** DNS as a table; a name that is not in it fails like NXDOMAIN. */
const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'v6.example.com': ['2a00:1450:4009:81d::200e'],
  'dual.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.test': ['10.0.0.1'],
  'mixed.example.test': ['93.184.216.34', '127.0.0.1'],
  'metadata.example.test': ['169.254.169.254'],
  'mapped.example.test': ['::ffff:192.168.0.1'],
  'ula.example.test': ['fd12:3456:789a::1'],
  'cgnat.example.test': ['100.100.100.100'],
  localhost: ['127.0.0.1', '::1'],
  'empty.example.test': [],
};
const calls: string[] = [];
const fakeResolver: Resolver = async (hostname) => {
  calls.push(hostname);
  const answers = DNS[hostname];
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

beforeEach(() => {
  calls.length = 0;
});

const REFUSED: [url: string, reason: SsrfReason][] = [
  // loopback, in every spelling
  ['https://127.0.0.1/', 'loopback'],
  ['https://127.255.255.254/hook', 'loopback'],
  ['https://2130706433/', 'loopback'],
  ['https://0177.0.0.1/', 'loopback'],
  ['https://0x7f.1/', 'loopback'],
  ['https://0x7f000001/', 'loopback'],
  ['https://127.1/', 'loopback'],
  ['https://127.0.0.1./', 'loopback'],
  ['https://localhost/', 'loopback'],
  ['https://LOCALHOST./', 'loopback'],
  ['https://api.localhost/', 'loopback'],
  ['https://[::1]/', 'loopback'],
  ['https://[0:0:0:0:0:0:0:1]/', 'loopback'],
  ['https://[::ffff:127.0.0.1]/', 'loopback'],
  ['https://[::ffff:7f00:1]/', 'loopback'],
  ['https://[::127.0.0.1]/', 'loopback'],
  ['https://[64:ff9b::127.0.0.1]/', 'loopback'],
  ['https://[2002:7f00:1::]/', 'loopback'],
  // private, CGNAT, link-local and cloud metadata
  ['https://10.0.0.1/', 'private'],
  ['https://10.255.255.255/', 'private'],
  ['https://172.16.5.4/', 'private'],
  ['https://172.31.255.255/', 'private'],
  ['https://192.168.1.1/', 'private'],
  ['https://[::ffff:10.0.0.1]/', 'private'],
  ['https://[64:ff9b:1::a00:1]/', 'private'],
  ['https://100.64.0.1/', 'cgnat'],
  ['https://100.127.255.255/', 'cgnat'],
  ['https://169.254.169.254/latest/meta-data/', 'link-local'],
  ['https://0xa9.0xfe.0xa9.0xfe/', 'link-local'],
  ['https://2852039166/', 'link-local'],
  ['https://169.254.1.1/', 'link-local'],
  ['https://[::ffff:169.254.169.254]/', 'link-local'],
  ['https://[64:ff9b::a9fe:a9fe]/', 'link-local'],
  ['https://[fe80::1]/', 'link-local'],
  // this network, unspecified, multicast, broadcast, reserved
  ['https://0.0.0.0/', 'this-network'],
  ['https://0/', 'this-network'],
  ['https://0.1.2.3/', 'this-network'],
  ['https://[::]/', 'unspecified'],
  ['https://224.0.0.1/', 'multicast'],
  ['https://239.255.255.250/', 'multicast'],
  ['https://[ff02::1]/', 'multicast'],
  ['https://255.255.255.255/', 'broadcast'],
  ['https://240.0.0.1/', 'reserved'],
  ['https://192.0.0.8/', 'reserved'],
  ['https://[100::1]/', 'reserved'],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'reserved'],
  ['https://[::8.8.8.8]/', 'reserved'],
  ['https://[4000::1]/', 'reserved'],
  // documentation and benchmarking
  ['https://192.0.2.10/', 'documentation'],
  ['https://198.51.100.7/', 'documentation'],
  ['https://203.0.113.99/', 'documentation'],
  ['https://[2001:db8::1]/', 'documentation'],
  ['https://198.18.0.1/', 'benchmarking'],
  ['https://198.19.255.1/', 'benchmarking'],
  ['https://[2001:2::1]/', 'benchmarking'],
  // IPv6 local scopes
  ['https://[fc00::1]/', 'unique-local'],
  ['https://[fd00:ec2::254]/', 'unique-local'],
  ['https://[fec0::1]/', 'site-local'],
  // URL syntax
  ['http://example.com/hook', 'https-required'],
  ['ftp://example.com/', 'scheme-not-allowed'],
  ['file:///etc/passwd', 'scheme-not-allowed'],
  ['gopher://example.com:70/', 'scheme-not-allowed'],
  ['javascript:alert(1)', 'scheme-not-allowed'],
  ['https://user:pass@example.com/', 'userinfo-not-allowed'],
  ['https://user@example.com/', 'userinfo-not-allowed'],
  ['https://@example.com/', 'userinfo-not-allowed'],
  ['https://example.com@10.0.0.1/', 'userinfo-not-allowed'],
  ['not a url', 'invalid-url'],
  ['https://', 'invalid-url'],
  ['https://999.1.1.1/', 'invalid-url'],
  ['https://example.com:0/', 'invalid-port'],
  [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`, 'url-too-long'],
  // host names, checked on what they resolve to
  ['https://internal.example.test/hook', 'private'],
  ['https://mixed.example.test/', 'loopback'],
  ['https://metadata.example.test/', 'link-local'],
  ['https://mapped.example.test/', 'private'],
  ['https://ula.example.test/', 'unique-local'],
  ['https://cgnat.example.test/', 'cgnat'],
  ['https://nxdomain.example.test/', 'dns-failure'],
  ['https://empty.example.test/', 'no-addresses'],
];

const ALLOWED: [url: string, address: string][] = [
  ['https://hooks.example.com/wedsync', '93.184.216.34'],
  ['https://HOOKS.example.com:8443/wedsync?x=1#frag', '93.184.216.34'],
  ['https://v6.example.com/', '2a00:1450:4009:81d::200e'],
  ['https://dual.example.com/', '93.184.216.34'],
  ['https://93.184.216.34/path', '93.184.216.34'],
  ['https://8.8.8.8:8443/x?y=1', '8.8.8.8'],
  ['https://11.0.0.1/', '11.0.0.1'],
  ['https://172.32.0.1/', '172.32.0.1'],
  ['https://100.128.0.1/', '100.128.0.1'],
  ['https://169.255.0.1/', '169.255.0.1'],
  ['https://192.169.0.1/', '192.169.0.1'],
  ['https://198.20.0.1/', '198.20.0.1'],
  ['https://223.255.255.254/', '223.255.255.254'],
  ['https://[2606:4700:4700::1111]/', '2606:4700:4700::1111'],
  ['https://[::ffff:8.8.8.8]/', '::ffff:808:808'],
  ['https://[64:ff9b::808:808]/', '64:ff9b::808:808'],
  ['https://[2002:808:808::1]/', '2002:808:808::1'],
];

describe('refused URLs', () => {
  it.each(REFUSED)('%s is refused as %s', async (url, reason) => {
    const result = await resolveAndCheck(url, fakeResolver);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
  });

  it('has a table of at least 30 refusals', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(30);
  });

  it('explains numeric host forms with the normalised address', () => {
    const result = checkUrlSyntax('https://0x7f.1/');
    expect(result).toMatchObject({ ok: false, reason: 'loopback' });
    if (!result.ok) expect(result.detail).toContain('127.0.0.1');
  });
});

describe('allowed URLs', () => {
  it.each(ALLOWED)('%s is allowed and pinned to %s', async (url, address) => {
    const result = await resolveAndCheck(url, fakeResolver);
    expect(result).toMatchObject({ ok: true, address });
  });

  it('checks every resolved address, and pins the first', async () => {
    const result = await resolveAndCheck('https://dual.example.com/', fakeResolver);
    if (!result.ok) throw new Error(result.detail);
    expect(result.allAddresses.map((a) => a.family)).toEqual([4, 6]);
    expect(result).toMatchObject({ hostname: 'dual.example.com', port: 443, family: 4 });
  });

  it('does not call DNS for IP literals', async () => {
    await resolveAndCheck('https://8.8.8.8/', fakeResolver);
    expect(calls).toEqual([]);
    await resolveAndCheck('https://hooks.example.com/', fakeResolver);
    expect(calls).toEqual(['hooks.example.com']);
  });
});

describe('local mode options', () => {
  it('refuses loopback and http by default', async () => {
    expect(await resolveAndCheck('http://127.0.0.1:3000/', fakeResolver)).toMatchObject({
      reason: 'https-required',
    });
    expect(await resolveAndCheck('https://127.0.0.1:3000/', fakeResolver)).toMatchObject({
      reason: 'loopback',
    });
  });

  it('allows loopback (only) with allowLoopback, and http with allowHttp', async () => {
    const local = { allowLoopback: true, allowHttp: true };
    expect(await resolveAndCheck('http://127.0.0.1:3000/', fakeResolver, local)).toMatchObject({
      ok: true,
      address: '127.0.0.1',
      port: 3000,
    });
    expect(await resolveAndCheck('http://[::1]:3000/', fakeResolver, local)).toMatchObject({
      ok: true,
      family: 6,
    });
    expect(await resolveAndCheck('http://localhost:3000/', fakeResolver, local)).toMatchObject({
      ok: true,
      address: '127.0.0.1',
    });
    expect(await resolveAndCheck('http://[::ffff:127.0.0.1]/', fakeResolver, local)).toMatchObject({
      ok: true,
    });
    // Everything else stays refused.
    expect(await resolveAndCheck('http://10.0.0.1/', fakeResolver, local)).toMatchObject({
      reason: 'private',
    });
    expect(await resolveAndCheck('http://169.254.169.254/', fakeResolver, local)).toMatchObject({
      reason: 'link-local',
    });
    expect(await resolveAndCheck('http://0.0.0.0/', fakeResolver, local)).toMatchObject({
      reason: 'this-network',
    });
    expect(await resolveAndCheck('http://[::]/', fakeResolver, local)).toMatchObject({
      reason: 'unspecified',
    });
  });

  it('allows http to public hosts with allowHttp alone', async () => {
    expect(
      await resolveAndCheck('http://hooks.example.com/', fakeResolver, { allowHttp: true }),
    ).toMatchObject({
      ok: true,
      port: 80,
    });
  });
});

describe('DNS failures', () => {
  it('gives up after the DNS timeout', async () => {
    jest.useFakeTimers();
    try {
      const never: Resolver = () => new Promise(() => undefined);
      const pending = resolveAndCheck('https://slow.example.com/', never, { dnsTimeoutMs: 2000 });
      await jest.advanceTimersByTimeAsync(2000);
      expect(await pending).toMatchObject({ ok: false, reason: 'dns-failure' });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('address parsing', () => {
  it('parses IPv6 forms to 16 bytes', () => {
    expect(parseIPv6('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(parseIPv6('[::ffff:1.2.3.4]')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(parseIPv6('fe80::1%eth0')?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIPv6('2001:db8::')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array<number>(12).fill(0)]);
    expect(parseIPv6('1.2.3.4')).toBeUndefined();
    expect(parseIPv6('1::2::3')).toBeUndefined();
  });

  it('classifies addresses given by DNS', () => {
    expect(classifyAddress('93.184.216.34')).toEqual({ allowed: true, family: 4 });
    expect(classifyAddress('fe80::1%eth0')).toMatchObject({ allowed: false, reason: 'link-local' });
    expect(classifyAddress('not-an-ip')).toMatchObject({ allowed: false, reason: 'invalid-address' });
    expect(classifyAddress('127.0.0.1', { allowLoopback: true })).toEqual({ allowed: true, family: 4 });
    expect(classifyAddress('::1', { allowLoopback: true })).toEqual({ allowed: true, family: 6 });
  });

  it('parses any IPv6 address, in full or compressed (URL-canonical) form, to its bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
        const full = groups.map((g) => g.toString(16)).join(':');
        expect(parseIPv6(full)).toEqual(bytes);
        const canonical = new URL(`http://[${full}]/`).hostname;
        expect(parseIPv6(canonical)).toEqual(bytes);
      }),
    );
  });

  it('classifies an IPv4-mapped IPv6 address exactly like the IPv4 address it embeds', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const direct = classifyAddress(v4);
        const mapped = classifyAddress(`::ffff:${v4}`);
        expect(mapped.allowed).toBe(direct.allowed);
        if (!direct.allowed && !mapped.allowed) expect(mapped.reason).toBe(direct.reason);
      }),
    );
  });
});
