import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root: the nearest folder above this file that holds package.json.
 * Works the same from the TypeScript sources (jest) and from the bundles in dist/.
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('credex-infra: package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The project-local, git-ignored tools folder that dev/setup-tools.sh fills. */
export function toolsDir(): string {
  return path.join(repoRoot(), '.tools');
}
