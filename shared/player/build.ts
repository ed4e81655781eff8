/**
 * Builds the player for browsers: `player.ts` and what it imports (scorm-again, the runtime contract's schemas)
 * as one minified script for ES2020 browsers, beside `index.html`. The local content server builds it once at
 * start, CDK at synth (LmsData deploys it into the content bucket): both serve it at `/_player/<file>` of the
 * content origin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, buildSync, type OutputFile } from 'esbuild';

/** The player's path on the content origin; under `courses/` of the content bucket in AWS. */
export const PLAYER_PATH = '_player';

/** The player's files by name, with their content type. */
export type PlayerFiles = Readonly<Record<'index.html' | 'player.js', { body: string; contentType: string }>>;

const SOURCE_DIR = import.meta.dirname;

const OPTIONS = {
  entryPoints: [join(SOURCE_DIR, 'player.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  write: false,
  outfile: 'player.js',
  logLevel: 'silent',
} satisfies BuildOptions;

export async function buildPlayer(): Promise<PlayerFiles> {
  return playerFiles((await build(OPTIONS)).outputFiles);
}

/** The same, synchronously: CDK constructs are built synchronously. */
export function buildPlayerSync(): PlayerFiles {
  return playerFiles(buildSync(OPTIONS).outputFiles);
}

function playerFiles(outputs: readonly OutputFile[]): PlayerFiles {
  const [script] = outputs;
  if (!script || outputs.length !== 1)
    throw new Error(`esbuild wrote ${outputs.length} files for the player, not 1`);
  return {
    'index.html': {
      body: readFileSync(join(SOURCE_DIR, 'index.html'), 'utf8'),
      contentType: 'text/html; charset=utf-8',
    },
    'player.js': { body: script.text, contentType: 'text/javascript; charset=utf-8' },
  };
}
