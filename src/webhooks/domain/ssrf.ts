/**
 * SSRF policy for webhook endpoint URLs: checked on registration (`checkUrlSyntax`, plus
 * `resolveAndCheck` if the caller wants to resolve then) and again before every attempt
 * (`resolveAndCheck`), whose returned address is the only one the delivery may connect to
 * (see http-delivery.ts: pinning closes the DNS-rebinding gap between check and connect).
 *
 * Hosts are normalised by the WHATWG URL parser first, so numeric forms such as `2130706433`,
 * `0177.0.0.1`, `0x7f.1` and `127.1` become `127.0.0.1` before any range check, and IPv6
 * literals come out in canonical form. Every address a hostname resolves to must pass: one bad
 * address refuses the URL.
 *
 * Loopback is refused unless `allowLoopback` is set (the local mode and tests); plain http is
 * refused unless `allowHttp` is set (the local mode). Both are off by default.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIPv4, isIPv6 } from 'node:net';
import { lazy } from '../../shared/lazy';

export type AddressReason =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'this-network'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'unique-local'
  | 'site-local'
  | 'invalid-address';

export type UrlReason =
  | 'invalid-url'
  | 'url-too-long'
  | 'scheme-not-allowed'
  | 'https-required'
  | 'userinfo-not-allowed'
  | 'invalid-port';

export type ResolveReason = 'dns-failure' | 'no-addresses';

export type SsrfReason = AddressReason | UrlReason | ResolveReason;

export interface UrlPolicyOptions {
  /** Permit loopback addresses and `localhost` (local mode and tests only). Default false. */
  readonly allowLoopback?: boolean;
  /** Permit `http:` as well as `https:` (local mode only). Default false. */
  readonly allowHttp?: boolean;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a hostname to all of its addresses (A and AAAA). */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface ResolveOptions extends UrlPolicyOptions {
  /** Give up on DNS after this long. Default 5000 ms. */
  readonly dnsTimeoutMs?: number;
}

export type AddressCheck =
  | { readonly allowed: true; readonly family: 4 | 6 }
  | { readonly allowed: false; readonly reason: AddressReason; readonly detail: string };

export interface CheckedUrl {
  readonly ok: true;
  readonly url: URL;
  /** Host name without IPv6 brackets, lower-cased (the URL parser's normal form). */
  readonly hostname: string;
  readonly port: number;
  /** Set when the host is an IP literal: no DNS is needed. */
  readonly literal?: ResolvedAddress;
}

export interface Refusal {
  readonly ok: false;
  readonly reason: SsrfReason;
  readonly detail: string;
}

export interface CheckedTarget extends ResolvedAddress {
  readonly ok: true;
  readonly url: URL;
  readonly hostname: string;
  readonly port: number;
  /** Every address the host resolved to (all were checked). */
  readonly allAddresses: readonly ResolvedAddress[];
}

export const MAX_URL_LENGTH = 2048;
const DEFAULT_DNS_TIMEOUT_MS = 5000;

// ---------------------------------------------------------------------------------------------
// Address parsing and classification

/** Four bytes of a canonical dotted-quad IPv4 address, or undefined. */
export function parseIPv4(text: string): number[] | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').map((part) => Number(part));
}

/** Sixteen bytes of an IPv6 address (zone id ignored), or undefined. */
export function parseIPv6(input: string): number[] | undefined {
  let text = input;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!isIPv6(text)) return undefined;

  // Rewrite a trailing dotted quad (::ffff:1.2.3.4) as two hex groups.
  const lastColon = text.lastIndexOf(':');
  const lastPart = text.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    const quad = parseIPv4(lastPart);
    if (!quad) return undefined;
    const [a, b, c, d] = quad as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }

  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  let groups: string[];
  if (halves.length === 2) {
    const head = toGroups(halves[0] ?? '');
    const rest = toGroups(halves[1] ?? '');
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<string>(fill).fill('0'), ...rest];
  } else {
    groups = toGroups(text);
  }
  if (groups.length !== 8) return undefined;
  const bytes: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

function inPrefix(bytes: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const remaining = Math.min(8, bits - i);
    const mask = (0xff << (8 - remaining)) & 0xff;
    const index = i / 8;
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

interface RangeRule {
  readonly prefix: readonly number[];
  readonly bits: number;
  readonly reason: AddressReason;
  readonly label: string;
}

const v4 = (cidr: string, reason: AddressReason, label: string): RangeRule => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { prefix: parseIPv4(address) ?? [], bits: Number(bits), reason, label };
};

/**
 * Checked in order; the first match wins, so specific entries come before broader ones. Parsed on
 * the first check, not at load (ADR 0022, twelfth round).
 */
const ipv4Rules = /* @__PURE__ */ lazy((): readonly RangeRule[] => [
  v4('0.0.0.0/8', 'this-network', '"this network" 0.0.0.0/8'),
  v4('10.0.0.0/8', 'private', 'private 10.0.0.0/8'),
  v4('100.64.0.0/10', 'cgnat', 'carrier-grade NAT 100.64.0.0/10'),
  v4('127.0.0.0/8', 'loopback', 'loopback 127.0.0.0/8'),
  v4('169.254.169.254/32', 'link-local', 'cloud instance metadata 169.254.169.254'),
  v4('169.254.0.0/16', 'link-local', 'link-local 169.254.0.0/16'),
  v4('172.16.0.0/12', 'private', 'private 172.16.0.0/12'),
  v4('192.0.0.0/24', 'reserved', 'IETF protocol assignments 192.0.0.0/24'),
  v4('192.0.2.0/24', 'documentation', 'documentation TEST-NET-1 192.0.2.0/24'),
  v4('192.88.99.0/24', 'reserved', 'deprecated 6to4 relay anycast 192.88.99.0/24'),
  v4('192.168.0.0/16', 'private', 'private 192.168.0.0/16'),
  v4('198.18.0.0/15', 'benchmarking', 'benchmarking 198.18.0.0/15'),
  v4('198.51.100.0/24', 'documentation', 'documentation TEST-NET-2 198.51.100.0/24'),
  v4('203.0.113.0/24', 'documentation', 'documentation TEST-NET-3 203.0.113.0/24'),
  v4('224.0.0.0/4', 'multicast', 'multicast 224.0.0.0/4'),
  v4('255.255.255.255/32', 'broadcast', 'limited broadcast 255.255.255.255'),
  v4('240.0.0.0/4', 'reserved', 'reserved 240.0.0.0/4'),
]);

const v6 = (cidr: string, reason: AddressReason, label: string): RangeRule => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { prefix: parseIPv6(address) ?? [], bits: Number(bits), reason, label };
};

const ipv6Rules = /* @__PURE__ */ lazy((): readonly RangeRule[] => [
  v6('64:ff9b:1::/48', 'private', 'local-use NAT64 64:ff9b:1::/48'),
  v6('100::/64', 'reserved', 'discard-only 100::/64'),
  v6('2001:2::/48', 'benchmarking', 'benchmarking 2001:2::/48'),
  v6('2001::/23', 'reserved', 'IETF protocol assignments (incl. Teredo) 2001::/23'),
  v6('2001:db8::/32', 'documentation', 'documentation 2001:db8::/32'),
  v6('3fff::/20', 'documentation', 'documentation 3fff::/20'),
  v6('5f00::/16', 'reserved', 'SRv6 SIDs 5f00::/16'),
  v6('fc00::/7', 'unique-local', 'unique local fc00::/7'),
  v6('fe80::/10', 'link-local', 'link-local fe80::/10'),
  v6('fec0::/10', 'site-local', 'deprecated site-local fec0::/10'),
  v6('ff00::/8', 'multicast', 'multicast ff00::/8'),
]);

const globalUnicast = /* @__PURE__ */ lazy(() => parseIPv6('2000::') ?? []);

function classifyV4Bytes(bytes: readonly number[], family: 4 | 6, via: string): AddressCheck {
  const text = bytes.join('.');
  for (const rule of ipv4Rules()) {
    if (inPrefix(bytes, rule.prefix, rule.bits)) {
      return { allowed: false, reason: rule.reason, detail: `${via}${text} is ${rule.label}` };
    }
  }
  return { allowed: true, family };
}

/** Whether an IP address (v4 dotted quad or v6, brackets optional) may be connected to. */
export function classifyAddress(address: string, options: UrlPolicyOptions = {}): AddressCheck {
  const result = classifyIgnoringOptions(address);
  if (!result.allowed && result.reason === 'loopback' && options.allowLoopback === true) {
    return { allowed: true, family: isIPv4(address) ? 4 : 6 };
  }
  return result;
}

function classifyIgnoringOptions(address: string): AddressCheck {
  const bytes4 = parseIPv4(address);
  if (bytes4) return classifyV4Bytes(bytes4, 4, '');
  const bytes = parseIPv6(address);
  if (!bytes) return { allowed: false, reason: 'invalid-address', detail: `${address} is not an IP address` };

  const first12Zero = bytes.slice(0, 12).every((b) => b === 0);
  const embedded = bytes.slice(12);
  if (first12Zero) {
    if (embedded.every((b) => b === 0))
      return { allowed: false, reason: 'unspecified', detail: ':: is unspecified' };
    if (embedded.slice(0, 3).every((b) => b === 0) && embedded[3] === 1) {
      return { allowed: false, reason: 'loopback', detail: '::1 is loopback' };
    }
    // IPv4-compatible (deprecated, ::/96): refused whatever it embeds.
    const inner = classifyV4Bytes(embedded, 6, `IPv4-compatible ${address} embeds `);
    if (!inner.allowed) return inner;
    return {
      allowed: false,
      reason: 'reserved',
      detail: `${address} is a deprecated IPv4-compatible address`,
    };
  }
  // IPv4-mapped ::ffff:a.b.c.d — the socket would connect to the IPv4 address itself.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return classifyV4Bytes(embedded, 6, `IPv4-mapped ${address} embeds `);
  }
  // IPv4-translated ::ffff:0:a.b.c.d (SIIT): never a legitimate webhook target.
  if (inPrefix(bytes, parseIPv6('::ffff:0:0:0') ?? [], 96)) {
    const inner = classifyV4Bytes(embedded, 6, `IPv4-translated ${address} embeds `);
    if (!inner.allowed) return inner;
    return { allowed: false, reason: 'reserved', detail: `${address} is an IPv4-translated address` };
  }
  // NAT64 well-known prefix: the gateway connects to the embedded IPv4 address.
  if (inPrefix(bytes, parseIPv6('64:ff9b::') ?? [], 96)) {
    return classifyV4Bytes(embedded, 6, `NAT64 ${address} embeds `);
  }
  // 6to4: the relay connects to the IPv4 address in bits 16..47.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    const inner = classifyV4Bytes(bytes.slice(2, 6), 6, `6to4 ${address} embeds `);
    if (!inner.allowed) return inner;
  }
  for (const rule of ipv6Rules()) {
    if (inPrefix(bytes, rule.prefix, rule.bits)) {
      return { allowed: false, reason: rule.reason, detail: `${address} is ${rule.label}` };
    }
  }
  if (!inPrefix(bytes, globalUnicast(), 3)) {
    return { allowed: false, reason: 'reserved', detail: `${address} is outside global unicast 2000::/3` };
  }
  return { allowed: true, family: 6 };
}

// ---------------------------------------------------------------------------------------------
// URL checks

function refuse(reason: SsrfReason, detail: string): Refusal {
  return { ok: false, reason, detail };
}

/** The raw authority (between `//` and the first `/`, `\`, `?` or `#`) of an http(s) URL string. */
function rawAuthority(raw: string): string {
  const start = raw.indexOf('//');
  if (start < 0) return '';
  const rest = raw.slice(start + 2);
  const end = rest.search(/[/\\?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Syntax and literal-address checks without DNS (registration-time check, and step one of every attempt). */
export function checkUrlSyntax(rawUrl: string, options: UrlPolicyOptions = {}): CheckedUrl | Refusal {
  if (rawUrl.length > MAX_URL_LENGTH)
    return refuse('url-too-long', `URL longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse('invalid-url', 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse('scheme-not-allowed', `scheme ${url.protocol} is not allowed; use https`);
  }
  if (url.protocol === 'http:' && options.allowHttp !== true) {
    return refuse('https-required', 'plain http is only allowed in the local mode');
  }
  if (url.username !== '' || url.password !== '' || rawAuthority(rawUrl.trim()).includes('@')) {
    return refuse('userinfo-not-allowed', 'credentials in the URL are not allowed');
  }
  if (url.hostname === '') return refuse('invalid-url', 'URL has no host');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return refuse('invalid-port', `port ${url.port} is invalid`);

  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIPv4(hostname) || isIPv6(hostname)) {
    const check = classifyAddress(hostname, options);
    if (!check.allowed) return refuse(check.reason, check.detail);
    return { ok: true, url, hostname, port, literal: { address: hostname, family: check.family } };
  }
  if (isLocalhostName(hostname) && options.allowLoopback !== true) {
    return refuse('loopback', `${hostname} is a loopback name`);
  }
  return { ok: true, url, hostname, port };
}

/** `dns.promises.lookup` with `all: true`: what the operating system would connect to. */
export const systemResolver: Resolver = async (hostname) => dnsPromises.lookup(hostname, { all: true });

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Check the URL, resolve its host and check every address. On success the caller must connect
 * to `address` only (never resolve the name again for this attempt).
 */
export async function resolveAndCheck(
  rawUrl: string,
  resolver: Resolver = systemResolver,
  options: ResolveOptions = {},
): Promise<CheckedTarget | Refusal> {
  const syntax = checkUrlSyntax(rawUrl, options);
  if (!syntax.ok) return syntax;
  const { url, hostname, port } = syntax;
  if (syntax.literal) {
    return { ok: true, url, hostname, port, ...syntax.literal, allAddresses: [syntax.literal] };
  }
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await withTimeout(resolver(hostname), options.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS);
  } catch (error) {
    return refuse('dns-failure', `could not resolve ${hostname}: ${(error as Error).message}`);
  }
  if (answers.length === 0) return refuse('no-addresses', `${hostname} has no addresses`);
  const checked: ResolvedAddress[] = [];
  for (const answer of answers) {
    const check = classifyAddress(answer.address, options);
    if (!check.allowed) return refuse(check.reason, `${hostname} resolves to ${check.detail}`);
    checked.push({ address: answer.address, family: check.family });
  }
  const [first] = checked as [ResolvedAddress, ...ResolvedAddress[]];
  return {
    ok: true,
    url,
    hostname,
    port,
    address: first.address,
    family: first.family,
    allAddresses: checked,
  };
}
