/**
 * Reads a SAML metadata document from where the IdP publishes it, with limits: 10 s, 256 KiB, status 200,
 * no redirects (a redirect could lead anywhere; the administrator gives the final URL). The body schema
 * already requires https.
 */
import { MAX_METADATA_BYTES } from '../identity/saml-metadata.ts';
import type { MetadataFetcher } from '../use-cases/ports.ts';

const TIMEOUT_MS = 10_000;

/** The document could not be read; the message says why, for the administrator. */
export class MetadataUnreachable extends Error {}

export class HttpMetadataFetcher implements MetadataFetcher {
  async fetch(url: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (error as Error).message;
      throw new MetadataUnreachable(`Cannot read the metadata at ${url}: ${reason}.`);
    }
    if (response.status >= 300 && response.status < 400)
      throw new MetadataUnreachable(
        `The metadata URL redirects (${response.status}); give the address it redirects to.`,
      );
    if (response.status !== 200)
      throw new MetadataUnreachable(`The metadata URL answered ${response.status}.`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_METADATA_BYTES) throw new MetadataUnreachable(tooLarge());
    const reader = response.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done || !value) break;
      size += value.byteLength;
      if (size > MAX_METADATA_BYTES) {
        await reader?.cancel();
        throw new MetadataUnreachable(tooLarge());
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function tooLarge(): string {
  return `The metadata is larger than ${MAX_METADATA_BYTES / 1024} KiB.`;
}
