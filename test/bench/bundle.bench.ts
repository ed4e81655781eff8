/**
 * Bundle size and module-init time of the GET /users/{id} Lambda bundle, built exactly as CDK builds it
 * (lmsEsbuildOptions), against a bare handler doing the same GetItem with the same SDK client, built the
 * same way. The baseline carries the AWS SDK as ours does (we bundle it), so the ratio measures what our
 * framework (middy, zod, Powertools logger, the manifest) adds. Init time: a fresh Node process imports the
 * bundle; median of interleaved runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lmsEsbuildOptions, PROJECT_ROOT } from '../../infra/constructs/lms-function.ts';
import { type Figure, median } from './figures.ts';

const RUNS = 9;
const out = join(PROJECT_ROOT, '.local', 'bench');

const BARE_HANDLER = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const table = process.env.TABLE_NAME;
export const handler = async (event) => {
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: 'USER#' + event.pathParameters.id, sk: 'USER' } }));
  return Item ? { statusCode: 200, body: JSON.stringify(Item) } : { statusCode: 404, body: '' };
};
`;

export async function benchBundle(): Promise<Figure[]> {
  mkdirSync(out, { recursive: true });
  const bareEntry = join(out, 'bare-get-item.mjs');
  writeFileSync(bareEntry, BARE_HANDLER);
  const ours = join(out, 'get-user.mjs');
  const bare = join(out, 'bare.mjs');
  await build({ ...lmsEsbuildOptions('functions/users/get-user.ts', ours), logLevel: 'error' });
  await build({ ...lmsEsbuildOptions(bareEntry, bare), logLevel: 'error' });
  const oursBytes = statSync(ours).size;
  const bareBytes = statSync(bare).size;

  const oursInit: number[] = [];
  const bareInit: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [file, samples] of run % 2 === 0
      ? ([
          [ours, oursInit],
          [bare, bareInit],
        ] as const)
      : ([
          [bare, bareInit],
          [ours, oursInit],
        ] as const)) {
      samples.push(initMs(file));
    }
  }
  return [
    {
      id: 'get-user.bundle-bytes.ratio',
      value: oursBytes / bareBytes,
      unit: 'x',
      op: '<=',
      target: 1.6,
      note: `minified ESM bundle of GET /users/{id} (${(oursBytes / 1024).toFixed(0)} KiB) vs a bare GetItem handler bundled the same way (${(bareBytes / 1024).toFixed(0)} KiB)`,
    },
    {
      id: 'get-user.init-ms.ratio',
      value: median(oursInit) / median(bareInit),
      unit: 'x',
      op: '<=',
      target: 1.6,
      note: `module init (fresh node process importing the bundle), median of ${RUNS} interleaved runs: ${median(oursInit).toFixed(1)} ms vs ${median(bareInit).toFixed(1)} ms`,
    },
  ];
}

/** Time to import the bundle in a new process, as a Lambda cold start's init phase does. */
function initMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
  });
  return Number(output.trim());
}
