/**
 * The export's worker ships DuckDB, a native module, as node_modules beside its bundle: the binding must be
 * Lambda's (linux, arm64), whatever machine synthesizes. This bundles the worker for real (esbuild, then
 * `npm ci` of its nodeModules from the lockfile) and reads the staged asset.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { LmsFunction } from '../../infra/constructs/lms-function.ts';
import { runExports } from '../../shared/jobs/manifest.ts';

/** ELF's e_machine (offset 18, little-endian) of an AArch64 object. */
const EM_AARCH64 = 183;

const outdir = mkdtempSync(join(tmpdir(), 'lms-export-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the export worker bundle', () => {
  it("ships DuckDB's linux-arm64 binding (and no other) beside the bundle", () => {
    // Prepare: bundling on (the app's infra tests skip it)
    const app = new App({ outdir });
    const stack = new Stack(app, 'ExportBundle');
    new LmsFunction(stack, runExports.id, { entry: runExports.handler, nodeModules: runExports.nodeModules });

    // Act
    app.synth();

    // Assess
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const asset = join(outdir, assets[0] ?? '');
    expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
    const duckdb = join(asset, 'node_modules', '@duckdb');
    expect(readdirSync(duckdb).sort()).toEqual(['node-api', 'node-bindings', 'node-bindings-linux-arm64']);
    const binding = readFileSync(join(duckdb, 'node-bindings-linux-arm64', 'duckdb.node'));
    expect(binding.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(binding.readUInt16LE(18)).toBe(EM_AARCH64);
    // DuckDB is loaded from node_modules, not bundled into the handler
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).toContain('@duckdb/node-api');
  });
});
