/**
 * The Lambda Invoke API, locally, for cognito-local's triggers: cognito-local's Lambda client is pointed here
 * (`LambdaClient.endpoint` in its config) and `TriggerFunctions` names each trigger job of the job manifest,
 * so `POST /2015-03-31/functions/<job name>/invocations` runs that job's handler in this process, as Cognito
 * invokes the function in AWS. A handler's error is answered as Lambda answers it (`X-Amz-Function-Error`),
 * which Cognito turns into a refused sign-in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CognitoTriggerJob, jobs } from '../../shared/jobs/manifest.ts';
import { LOCAL_HOST } from './emulators.ts';
import { handlerLoader } from './paths.ts';

type Handler = (event: unknown) => Promise<unknown>;

/** Trigger payloads are small; anything larger is not Cognito talking. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface LocalLambdaInvoke {
  endpoint: string;
  /** cognito-local's `TriggerFunctions`: Cognito operation -> function (job) name. */
  triggerFunctions: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLambdaInvoke(options: {
  root: string;
  log: (line: string) => void;
}): Promise<LocalLambdaInvoke> {
  const triggers = jobs.filter((job): job is CognitoTriggerJob => job.trigger.kind === 'cognito-trigger');
  const byName = new Map(triggers.map((job) => [job.name, job]));
  const loadHandler = handlerLoader<Handler>(options.root);
  const load = (job: CognitoTriggerJob) => loadHandler(job.handler);

  const server: Server = createServer((request, response) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
    const job = match ? byName.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (request.method !== 'POST' || !job) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ Type: 'User', Message: `Function not found: ${request.url}` }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', async () => {
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        const result = await (await load(job))(event);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result));
      } catch (error) {
        options.log(`${job.name} failed: ${(error as Error).message}`);
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        response.end(
          JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }),
        );
      }
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, LOCAL_HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    triggerFunctions: Object.fromEntries(triggers.map((job) => [job.trigger.operation, job.name])),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
