/**
 * A real browser for the tests that need one (the player, cmi5 AUs): the system's Chromium, driven by
 * playwright-core (Playwright's own browser download is not used). Tests that need it are declared with
 * `describeWithBrowser`, which skips them, saying why, on a machine without Chromium.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Where Chromium is: `LMS_CHROMIUM`, or Debian's package (`apt-get install chromium`). */
export function chromiumPath(): string {
  return process.env.LMS_CHROMIUM || '/usr/bin/chromium';
}

/** Why no browser test can run here, or undefined when Chromium is there. */
export function chromiumMissing(): string | undefined {
  const path = chromiumPath();
  return existsSync(path)
    ? undefined
    : `Chromium not found at ${path}: apt-get install chromium (or set LMS_CHROMIUM to its path)`;
}

/** Headless Chromium; without its sandbox when run as root, which Chromium refuses otherwise. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** `describe` for tests that need Chromium: skipped, with the reason printed, when it is absent. */
export function describeWithBrowser(name: string, tests: () => void): void {
  const missing = chromiumMissing();
  if (missing) {
    console.warn(`Skipping "${name}": ${missing}`);
    describe.skip(name, tests);
  } else {
    describe(name, tests);
  }
}
