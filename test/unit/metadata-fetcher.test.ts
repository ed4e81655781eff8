/**
 * Reading published SAML metadata: limits, and no request to an internal address (SSRF), against real local
 * servers. Names resolve through a resolver the test gives the fetcher (the machine has no DNS beyond
 * /etc/hosts), and Socket#connect is watched (or blocked) to show whether a connection was even attempted.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HttpMetadataFetcher,
  type HttpMetadataFetcherOptions,
  isPublicUnicast,
  METADATA_UNREACHABLE_MESSAGE,
  type MetadataRefusal,
  MetadataUnreachable,
} from '../../shared/store/metadata-fetcher.ts';
import { TEST_CA, TEST_SERVER_CERT, TEST_SERVER_KEY } from '../support/tls.ts';

const GENERIC =
  'The metadata URL cannot be read: it must be an https URL of a public address that answers 200 with the metadata (at most 256 KiB, within 10 s, without redirects).';

let idp: HttpsServer;
let port = 0;
/** SNI names of the TLS connections the IdP accepted. */
const servernames: string[] = [];

beforeAll(async () => {
  idp = createHttpsServer({ key: TEST_SERVER_KEY, cert: TEST_SERVER_CERT }, (request, response) => {
    servernames.push((request.socket as TLSSocket).servername || '');
    if (request.url === '/metadata') {
      response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      response.end('<md:EntityDescriptor/>');
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: 'https://elsewhere.example/metadata' });
      response.end();
    } else if (request.url === '/huge') {
      // No content-length: the limit must hold while reading
      response.writeHead(200, { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 300; i++) response.write('x'.repeat(1024));
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  port = (idp.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => idp.close(() => resolve())));
afterEach(() => {
  servernames.length = 0;
  vi.restoreAllMocks();
});

/** A fetcher that may reach the test IdP on 127.0.0.1 under the names the test resolves. */
function fetcherFor(names: Record<string, string[]>, options: Partial<HttpMetadataFetcherOptions> = {}) {
  const refusals: { reason: MetadataRefusal; details: Record<string, unknown> }[] = [];
  const lookups: string[] = [];
  const fetcher = new HttpMetadataFetcher({
    resolve: async (hostname) => {
      lookups.push(hostname);
      const addresses = names[hostname];
      if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    trustedCertificates: [TEST_CA],
    onRefused: (reason, details) => refusals.push({ reason, details }),
    ...options,
  });
  return { fetcher, refusals, lookups };
}

describe('published SAML metadata', () => {
  it('reads the document from the address it checked, with TLS checked against the name', async () => {
    // Prepare: idp.test exists only in this resolver, so reaching the server proves nothing else resolved it
    const { fetcher, lookups } = fetcherFor(
      { 'idp.test': ['127.0.0.1'] },
      { allowedAddresses: ['127.0.0.1'] },
    );
    // Act
    const xml = await fetcher.fetch(`https://idp.test:${port}/metadata`);
    // Assess
    expect(xml).toBe('<md:EntityDescriptor/>');
    expect(lookups).toEqual(['idp.test']);
    expect(servernames).toEqual(['idp.test']);
  });

  it('does not ask again (DNS rebinding): a second answer pointing inside is never used', async () => {
    let calls = 0;
    const fetcher = new HttpMetadataFetcher({
      resolve: async () => {
        calls++;
        return [{ address: calls === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
      },
      allowedAddresses: ['127.0.0.1'],
      trustedCertificates: [TEST_CA],
    });
    const connect = vi.spyOn(Socket.prototype, 'connect');
    await expect(fetcher.fetch(`https://idp.test:${port}/metadata`)).resolves.toBe('<md:EntityDescriptor/>');
    expect(calls).toBe(1);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(connect.mock.calls[0]?.[0]).toMatchObject({ host: 'idp.test', port });
  });

  it('refuses a certificate that does not name the host', async () => {
    const { fetcher, refusals } = fetcherFor(
      { 'other.test': ['127.0.0.1'] },
      { allowedAddresses: ['127.0.0.1'] },
    );
    await expect(fetcher.fetch(`https://other.test:${port}/metadata`)).rejects.toThrow(GENERIC);
    expect(refusals).toEqual([
      {
        reason: 'request-failed',
        details: expect.objectContaining({ error: expect.stringMatching(/altnames/i) }),
      },
    ]);
    expect(servernames).toEqual([]);
  });

  it.each<[string, MetadataRefusal]>([
    ['/moved', 'redirect'],
    ['/missing', 'status'],
    ['/huge', 'too-large'],
  ])('refuses %s with the one message, and logs why (%s)', async (path, reason) => {
    const { fetcher, refusals } = fetcherFor(
      { 'idp.test': ['127.0.0.1'] },
      { allowedAddresses: ['127.0.0.1'] },
    );
    const read = fetcher.fetch(`https://idp.test:${port}${path}`);
    await expect(read).rejects.toBeInstanceOf(MetadataUnreachable);
    await expect(read).rejects.toThrow(GENERIC);
    expect(refusals.map((refusal) => refusal.reason)).toEqual([reason]);
  });

  it('says the same when nobody answers, or the name does not resolve, or the URL is not https', async () => {
    const { fetcher, refusals } = fetcherFor(
      { 'idp.test': ['127.0.0.1'] },
      { allowedAddresses: ['127.0.0.1'] },
    );
    await expect(fetcher.fetch('https://idp.test:9/metadata')).rejects.toThrow(GENERIC);
    await expect(fetcher.fetch('https://nowhere.test/metadata')).rejects.toThrow(GENERIC);
    await expect(fetcher.fetch(`http://idp.test:${port}/metadata`)).rejects.toThrow(GENERIC);
    expect(refusals.map((refusal) => refusal.reason)).toEqual([
      'request-failed',
      'unresolvable',
      'not-https',
    ]);
    expect(METADATA_UNREACHABLE_MESSAGE).toBe(GENERIC);
  });
});

describe('internal addresses are refused before any connection', () => {
  // Blocked rather than spied through: even a broken fetcher sends nothing anywhere from this test.
  const blockConnect = () =>
    vi.spyOn(Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('a connection was attempted');
    });
  const trapPort = 9;

  it.each([
    ['127.0.0.1', () => `https://127.0.0.1:${trapPort}/metadata`, ['127.0.0.1']],
    ['[::1]', () => `https://[::1]:${trapPort}/metadata`, ['::1']],
    ['localhost (the real resolver)', () => `https://localhost:${trapPort}/metadata`, null],
    ['0x7f.1 (127.0.0.1 written otherwise)', () => `https://0x7f.1:${trapPort}/metadata`, ['127.0.0.1']],
    ['169.254.169.254', () => 'https://169.254.169.254/latest/meta-data', ['169.254.169.254']],
    ['10.0.0.1', () => 'https://10.0.0.1/metadata', ['10.0.0.1']],
    ['a name resolving to 169.254.169.254', () => 'https://metadata.test/m', ['169.254.169.254']],
    ['a name resolving to 10.0.0.1', () => 'https://intranet.test/m', ['10.0.0.1']],
    ['a name resolving to ::ffff:127.0.0.1', () => `https://mapped.test:${trapPort}/m`, ['::ffff:127.0.0.1']],
    ['a name resolving to fd00::1', () => 'https://ula.test/m', ['fd00::1']],
    [
      'a name with one public and one private address',
      () => 'https://mixed.test/m',
      ['93.184.215.14', '10.0.0.1'],
    ],
  ])('%s', async (_what, url, expectedAddresses) => {
    // Prepare
    const names: Record<string, string[]> = {
      'metadata.test': ['169.254.169.254'],
      'intranet.test': ['10.0.0.1'],
      'mapped.test': ['::ffff:127.0.0.1'],
      'ula.test': ['fd00::1'],
      'mixed.test': ['93.184.215.14', '10.0.0.1'],
    };
    const refusals: { reason: MetadataRefusal; details: Record<string, unknown> }[] = [];
    const fetcher = new HttpMetadataFetcher({
      // localhost goes to the OS resolver (/etc/hosts); the other names to the table above
      ...(url().includes('localhost')
        ? {}
        : {
            resolve: async (hostname: string) =>
              (names[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
          }),
      onRefused: (reason, details) => refusals.push({ reason, details }),
    });
    const connect = blockConnect();
    // Act
    const read = fetcher.fetch(url());
    // Assess
    await expect(read).rejects.toThrow(GENERIC);
    expect(connect).not.toHaveBeenCalled();
    expect(refusals.map((refusal) => refusal.reason)).toEqual(['internal-address']);
    if (expectedAddresses) expect(refusals[0]?.details.addresses).toEqual(expectedAddresses);
  });

  it('an allowed address lets that address through, and nothing else', async () => {
    const fetcher = new HttpMetadataFetcher({
      resolve: async () => [{ address: '10.0.0.1', family: 4 }],
      allowedAddresses: ['127.0.0.0/8', '::1'],
    });
    const connect = blockConnect();
    await expect(fetcher.fetch('https://intranet.test/m')).rejects.toThrow(GENERIC);
    expect(connect).not.toHaveBeenCalled();
    expect(() => new HttpMetadataFetcher({ allowedAddresses: ['localhost'] })).toThrow(
      'allowedAddresses: "localhost" is not an IP address or CIDR range.',
    );
    expect(() => new HttpMetadataFetcher({ allowedAddresses: ['10.0.0.0/33'] })).toThrow(
      'allowedAddresses: "10.0.0.0/33" has no valid prefix length.',
    );
  });
});

describe('isPublicUnicast', () => {
  it.each([
    ['93.184.215.14', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['0.0.0.0', false],
    ['0.1.2.3', false],
    ['10.0.0.1', false],
    ['100.64.0.1', false],
    ['100.127.255.254', false],
    ['127.0.0.1', false],
    ['127.255.255.255', false],
    ['169.254.169.254', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.0.0.8', false],
    ['192.0.2.1', false],
    ['192.168.1.1', false],
    ['198.18.0.1', false],
    ['198.51.100.1', false],
    ['203.0.113.1', false],
    ['224.0.0.1', false],
    ['239.255.255.250', false],
    ['240.0.0.1', false],
    ['255.255.255.255', false],
    ['::', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:a9fe:a9fe', false],
    ['::127.0.0.1', false],
    ['64:ff9b::a00:1', false],
    ['100::1', false],
    ['2001::1', false],
    ['2001:db8::1', false],
    ['2002:a00:1::1', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['fe80::1', false],
    ['fec0::1', false],
    ['ff02::1', false],
    ['not an address', false],
  ])('%s -> %s', (address, expected) => {
    expect(isPublicUnicast(address)).toBe(expected);
  });
});
