/**
 * The Lambda deployment packages a test needs when it builds an environment stack itself (main.ts builds them for
 * the app): dev/build.js bundles and zips a function when its package is missing or older than its sources.
 */
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

/** dist/functions/neo4j-rotation.zip, built on demand. */
export function neo4jRotationPackage(): string {
  const build = require(path.join(repoRoot(), 'dev', 'build.js')) as { bundleFunction(entry: string): string };
  return build.bundleFunction('functions/neo4j-rotation/index.ts');
}
