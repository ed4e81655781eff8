/**
 * Reads a SAML metadata document from where an administrator says the IdP publishes it. The URL comes from
 * outside, so the request is one the server makes on someone else's word (SSRF): in Lambda, 127.0.0.1:9001
 * is the runtime API and other internal addresses may answer too. So:
 *
 * 1. the URL must be https (the body schema says so too);
 * 2. the host name is resolved once, here, to every address it has (IPv4 and IPv6), and the URL is refused
 *    when ANY of them is not a public unicast address (loopback, private, link-local, CGNAT, multicast,
 *    documentation, benchmarking, reserved, IPv4-mapped forms of those, ...);
 * 3. the connection goes to the addresses that were checked (the socket's lookup answers with them), so a
 *    second DNS answer cannot switch it to another host (DNS rebinding); TLS still checks the certificate
 *    against the host name;
 * 4. limits: 10 s in all, 256 KiB, status 200, no redirects.
 *
 * Every failure reaches the caller as the same {@link MetadataUnreachable} message, so the answer does not
 * tell which addresses a name has or what answers inside the network; the reason is logged.
 */
import { lookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { MAX_METADATA_BYTES } from '../identity/saml-metadata.ts';
import type { MetadataFetcher } from '../use-cases/ports.ts';

const TIMEOUT_MS = 10_000;

/** What the caller is told, whatever went wrong. */
export const METADATA_UNREACHABLE_MESSAGE =
  `The metadata URL cannot be read: it must be an https URL of a public address that answers 200 with the ` +
  `metadata (at most ${MAX_METADATA_BYTES / 1024} KiB, within ${TIMEOUT_MS / 1000} s, without redirects).`;

/** The document could not be read; the message is always {@link METADATA_UNREACHABLE_MESSAGE}. */
export class MetadataUnreachable extends Error {
  constructor() {
    super(METADATA_UNREACHABLE_MESSAGE);
    this.name = 'MetadataUnreachable';
  }
}

/** Why a read failed, for the log only. */
export type MetadataRefusal =
  | 'not-https'
  | 'unresolvable'
  | 'internal-address'
  | 'request-failed'
  | 'timeout'
  | 'redirect'
  | 'status'
  | 'too-large';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface HttpMetadataFetcherOptions {
  /** Every address of a host name. @default dns.lookup with `all: true` (what the OS resolver answers) */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /**
   * Addresses or CIDR ranges let through although they are internal, e.g. `127.0.0.1` for a test IdP on this
   * machine. The product's wiring sets none, in AWS and locally. @default none
   */
  allowedAddresses?: readonly string[];
  /** Certificates of extra CAs to trust (a test CA). @default Node's bundled roots only */
  trustedCertificates?: readonly string[];
  /** Told why each read failed (the caller only gets the generic message). */
  onRefused?: (reason: MetadataRefusal, details: Record<string, unknown>) => void;
}

export class HttpMetadataFetcher implements MetadataFetcher {
  private readonly resolve: (hostname: string) => Promise<ResolvedAddress[]>;
  private readonly allowed: BlockList;
  private readonly ca: string[] | undefined;
  private readonly onRefused: NonNullable<HttpMetadataFetcherOptions['onRefused']>;

  constructor(options: HttpMetadataFetcherOptions = {}) {
    this.resolve = options.resolve ?? ((hostname) => lookup(hostname, { all: true, order: 'verbatim' }));
    this.allowed = new BlockList();
    for (const entry of options.allowedAddresses ?? []) addRange(this.allowed, entry);
    // `ca` replaces Node's roots, so extra CAs come on top of them.
    this.ca = options.trustedCertificates && [...rootCertificates, ...options.trustedCertificates];
    this.onRefused = options.onRefused ?? (() => undefined);
  }

  async fetch(url: string): Promise<string> {
    const deadline = AbortSignal.timeout(TIMEOUT_MS);
    try {
      return await this.read(url, deadline);
    } catch (error) {
      const refusal =
        error instanceof Refused
          ? error
          : new Refused(deadline.aborted ? 'timeout' : 'request-failed', {
              error: (error as Error).message,
            });
      this.onRefused(refusal.reason, { url: redacted(url), ...refusal.details });
      throw new MetadataUnreachable();
    }
  }

  private async read(url: string, deadline: AbortSignal): Promise<string> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new Refused('not-https', {});
    }
    if (target.protocol !== 'https:') throw new Refused('not-https', {});
    // URL keeps the brackets of an IPv6 literal; WHATWG parsing already turned 0x7f.1-style IPv4 into dotted form.
    const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses = await this.addressesOf(hostname, deadline);
    const internal = addresses.filter(({ address }) => !this.mayConnect(address));
    if (internal.length > 0)
      throw new Refused('internal-address', { addresses: addresses.map(({ address }) => address) });

    const response = await this.get(target, hostname, addresses, deadline);
    try {
      return await readBody(response);
    } finally {
      response.destroy();
    }
  }

  private async addressesOf(hostname: string, deadline: AbortSignal): Promise<ResolvedAddress[]> {
    const family = isIP(hostname);
    if (family !== 0) return [{ address: hostname, family }];
    let addresses: ResolvedAddress[];
    try {
      addresses = await abortable(this.resolve(hostname), deadline);
    } catch (error) {
      if (deadline.aborted) throw error;
      throw new Refused('unresolvable', { hostname, error: (error as Error).message });
    }
    if (addresses.length === 0) throw new Refused('unresolvable', { hostname });
    return addresses;
  }

  private mayConnect(address: string): boolean {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return this.allowed.check(address, family) || isPublicUnicast(address);
  }

  /** One GET to exactly the checked addresses: the socket's lookup answers with them and asks no resolver. */
  private get(
    target: URL,
    hostname: string,
    addresses: ResolvedAddress[],
    deadline: AbortSignal,
  ): Promise<IncomingMessage> {
    const pinned: LookupFunction = (_name, options, callback) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    };
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          protocol: 'https:',
          host: hostname,
          port: target.port === '' ? 443 : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
          lookup: pinned,
          // A fresh connection each time: an agent's pooled socket could belong to another host's addresses.
          agent: false,
          signal: deadline,
          ...(this.ca ? { ca: this.ca } : {}),
        },
        resolve,
      );
      outgoing.once('error', reject);
      outgoing.end();
    });
  }
}

/** Status 200 (a redirect is refused, not followed), at most MAX_METADATA_BYTES whatever the headers say. */
async function readBody(response: IncomingMessage): Promise<string> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400)
    throw new Refused('redirect', { status, location: response.headers.location });
  if (status !== 200) throw new Refused('status', { status });
  if (Number(response.headers['content-length'] ?? 0) > MAX_METADATA_BYTES)
    throw new Refused('too-large', { declared: response.headers['content-length'] });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_METADATA_BYTES) throw new Refused('too-large', { read: size });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Thrown inside the fetcher; the caller sees only MetadataUnreachable. */
class Refused extends Error {
  constructor(
    readonly reason: MetadataRefusal,
    readonly details: Record<string, unknown>,
  ) {
    super(reason);
  }
}

/**
 * IPv4 ranges that are not public unicast (IANA's special-purpose registry, RFC 6890 and successors). IPv4-mapped
 * IPv6 addresses (`::ffff:127.0.0.1`) match these too: BlockList compares them as the IPv4 address they carry.
 */
const INTERNAL_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];

/**
 * IPv6: only global unicast (2000::/3) may be public, which leaves out ::, ::1, IPv4-compatible forms,
 * 64:ff9b::/96 NAT64, fc00::/7 unique local, fe80::/10 link-local, fec0::/10 and ff00::/8 multicast. Inside
 * 2000::/3, these special ranges are not public either (6to4 and Teredo carry an IPv4 address of any kind).
 */
const INTERNAL_IPV6_IN_GLOBAL: readonly [string, number][] = [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation
];

const internalIpv4 = new BlockList();
for (const [network, prefix] of INTERNAL_IPV4) internalIpv4.addSubnet(network, prefix, 'ipv4');
const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');
const globalIpv6 = new BlockList();
globalIpv6.addSubnet('2000::', 3, 'ipv6');
const internalIpv6 = new BlockList();
for (const [network, prefix] of INTERNAL_IPV6_IN_GLOBAL) internalIpv6.addSubnet(network, prefix, 'ipv6');

/**
 * True when an address is public unicast: not loopback, private, link-local, shared, multicast, documentation,
 * benchmarking or reserved.
 *
 * @example isPublicUnicast('169.254.169.254') // false
 * @example isPublicUnicast('::ffff:10.0.0.1') // false
 */
export function isPublicUnicast(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !internalIpv4.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped address (::ffff:a.b.c.d) reaches that IPv4 address: it is judged as one.
  if (ipv4Mapped.check(address, 'ipv6')) return !internalIpv4.check(address, 'ipv6');
  return globalIpv6.check(address, 'ipv6') && !internalIpv6.check(address, 'ipv6');
}

function addRange(list: BlockList, entry: string): void {
  const [network = '', prefix] = entry.split('/');
  const family = isIP(network);
  if (family === 0) throw new Error(`allowedAddresses: "${entry}" is not an IP address or CIDR range.`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const bits = Number(prefix);
  if (prefix === undefined) list.addAddress(network, type);
  else if (Number.isInteger(bits) && bits >= 0 && bits <= (family === 6 ? 128 : 32))
    list.addSubnet(network, bits, type);
  else throw new Error(`allowedAddresses: "${entry}" has no valid prefix length.`);
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The URL without credentials or query, for the log. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
