import { mkdirSync, mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

const { bundle } = require('../../dev/build.js') as { bundle: (entryPoints: string[], outdir: string) => void };

/**
 * Bundles only the given entry points, with the same esbuild options as `npm run build`, into a fresh folder under
 * dist/ (inside the repository, so node_modules resolve), and returns that folder: `<folder>/verify/cli.js`, ...
 * Tests of one CLI then do not depend on every other entry point building.
 */
export function bundleForTest(entryPoints: string[]): string {
  const outdir = repoTempDir();
  bundle(entryPoints, outdir);
  return outdir;
}

/** A fresh folder under dist/ (git-ignored): inside the repository, so npm and node resolution find its files. */
export function repoTempDir(): string {
  const dist = path.join(repoRoot(), 'dist');
  mkdirSync(dist, { recursive: true }); // a fresh clone has no dist/ yet
  return mkdtempSync(path.join(dist, '.test-'));
}

/** Bundles entry points into dist/ itself, where other bundles load them at run time (e.g. dist/main.js). */
export function bundleIntoDist(entryPoints: string[]): void {
  bundle(entryPoints, path.join(repoRoot(), 'dist'));
}
