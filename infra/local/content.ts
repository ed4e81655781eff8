/**
 * Local content delivery: what the CloudFront distribution (origin access control, origin path `/courses`)
 * serves in AWS, on an origin of its own (its own port), as CloudFront has its own domain: package pages,
 * whose scripts are untrusted, never run on the API's origin. `GET /<courseId>/v<n>/<path>` streams
 * `courses/<courseId>/v<n>/<path>` from the content bucket; nothing else in the bucket (reports) is reachable.
 *
 * The request path is percent-decoded first, once, and the decoded path is what is checked: a `%2e%2e` or
 * `%2f` cannot hide a traversal from the check and then become one in the key. What still looks encoded
 * after that (`%252e`: double encoding), NUL and other control characters, backslashes, and empty, `.` or `..`
 * segments are refused (400).
 *
 * The player page is served beside the content, at `/_player/index.html` and `/_player/player.js` (in AWS the
 * stack deploys it to `courses/_player/` of the bucket): a SCO in its frame must be on its origin to reach the
 * SCORM API through `window.parent`. It is built once, when the server starts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound } from '@aws-sdk/client-s3';
import { s3Client } from '../../shared/clients.ts';
import { S3_MAX_KEY_BYTES } from '../../shared/content/limits.ts';
import { buildPlayer, PLAYER_PATH, type PlayerFiles } from '../../shared/player/build.ts';

export interface LocalContentServer {
  /** e.g. `http://localhost:3002`: content is at `<url>/<courseId>/v<n>/<path>`. */
  url: string;
  stop(): Promise<void>;
}

export interface ContentServerOptions {
  bucket: string;
  /** 0 for a free one. */
  port: number;
  host: string;
  log?: (line: string) => void;
}

/** The content bucket key a request path names, or why it names none. */
type ContentKey = { key: string } | { status: 400 | 404; reason: string };

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VERSION = /^v[1-9]\d{0,5}$/;

/**
 * Maps a raw request path (as it arrives, still percent-encoded, query included) to the key under
 * `courses/`, after decoding it once and checking what it decodes to.
 *
 * @example contentKeyFor('/<id>/v1/shared/launch%20page.html') // { key: 'courses/<id>/v1/shared/launch page.html' }
 * @example contentKeyFor('/<id>/v1/%2e%2e/%2e%2e/reports/x') // { status: 400, reason: 'has a "." or ".." segment' }
 */
function contentKeyFor(rawPath: string): ContentKey {
  const path = rawPath.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return { status: 400, reason: 'is not an absolute path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { status: 400, reason: 'is not valid percent-encoding' };
  }
  if (/%[0-9a-f]{2}/i.test(decoded)) return { status: 400, reason: 'is encoded twice' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return { status: 400, reason: 'has a control character' };
  if (decoded.includes('\\')) return { status: 400, reason: 'has a backslash' };
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    return { status: 400, reason: 'has an empty, "." or ".." segment' };
  const [courseId = '', version = '', ...rest] = segments;
  if (!ID.test(courseId) || !VERSION.test(version) || rest.length === 0)
    return { status: 404, reason: 'is not /<courseId>/v<n>/<path>' };
  const key = `courses/${segments.join('/')}`;
  if (Buffer.byteLength(key) > S3_MAX_KEY_BYTES) return { status: 404, reason: 'is longer than any key' };
  return { key };
}

export async function startContentServer(options: ContentServerOptions): Promise<LocalContentServer> {
  const player = await buildPlayer();
  const server: Server = createServer((request, response) => {
    serve(options.bucket, player, request, response).then(
      () => options.log?.(`content ${request.method} ${request.url} ${response.statusCode}`),
      (error: unknown) => {
        options.log?.(`content error ${request.url}: ${(error as Error).message}`);
        if (!response.headersSent) plain(response, 502, 'The content store failed.');
        else response.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '127.0.0.1' ? 'localhost' : options.host}:${port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(
  bucket: string,
  player: PlayerFiles,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // Like the distribution, which allows GET and HEAD only.
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return plain(response, 405, 'Content is read with GET or HEAD.');
  }
  const playerFile = playerFileFor(player, request.url ?? '/');
  if (playerFile) {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': playerFile.contentType,
      'content-length': String(Buffer.byteLength(playerFile.body)),
      // As deployed: a new player reaches browsers at once.
      'cache-control': 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : playerFile.body);
    return;
  }
  const target = contentKeyFor(request.url ?? '/');
  if ('status' in target)
    return plain(response, target.status, target.status === 400 ? `The path ${target.reason}.` : 'Not found');
  try {
    const object =
      request.method === 'HEAD'
        ? await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: target.key }))
        : await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: target.key }));
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': object.ContentType ?? 'application/octet-stream',
      ...(object.ContentLength === undefined ? {} : { 'content-length': String(object.ContentLength) }),
      'cache-control': 'public, max-age=300',
    });
    const body = 'Body' in object ? (object.Body as Readable | undefined) : undefined;
    // Streamed: a package's video need not fit in memory.
    if (body) await pipeline(body, response);
    else response.end();
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NotFound || (error as Error).name === 'NoSuchKey')
      return plain(response, 404, 'Not found');
    throw error;
  }
}

/** One of the player's files, if the path (query aside) names one exactly. */
function playerFileFor(player: PlayerFiles, rawPath: string): PlayerFiles[keyof PlayerFiles] | undefined {
  const path = rawPath.split(/[?#]/, 1)[0] ?? '';
  const name = path.startsWith(`/${PLAYER_PATH}/`) ? path.slice(PLAYER_PATH.length + 2) : '';
  return name === 'index.html' || name === 'player.js' ? player[name] : undefined;
}

/** The distribution's response headers policy, less HSTS (this origin is plain http on one machine). */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-xss-protection': '0',
};

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
