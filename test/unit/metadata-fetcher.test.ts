/** Reading published SAML metadata with limits, against a real local HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMetadataFetcher, MetadataUnreachable } from '../../shared/store/metadata-fetcher.ts';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('published SAML metadata', () => {
  const fetcher = new HttpMetadataFetcher();

  it('reads the document', async () => {
    await expect(fetcher.fetch(`${base}/metadata`)).resolves.toBe('<md:EntityDescriptor/>');
  });

  it.each([
    ['/moved', /redirects \(302\); give the address it redirects to/],
    ['/missing', /answered 404/],
    ['/huge', /larger than 256 KiB/],
  ])('refuses %s, saying why', async (path, reason) => {
    const read = fetcher.fetch(`${base}${path}`);
    await expect(read).rejects.toBeInstanceOf(MetadataUnreachable);
    await expect(read).rejects.toThrow(reason);
  });

  it('says so when nobody answers at that address', async () => {
    await expect(fetcher.fetch('http://127.0.0.1:9/metadata')).rejects.toThrow(/Cannot read the metadata/);
  });
});
