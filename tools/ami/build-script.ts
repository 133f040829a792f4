/**
 * The install script on disk: its absolute path and the hash of its current bytes (contracts/ami.ts says how
 * the hash is computed and which tags carry it).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILD_SCRIPT_RELATIVE_PATH, buildScriptHashOf } from '../../contracts/ami';
import { repoRoot } from '../../lib/paths';

/** Absolute path of the install script (the builder's user data). */
export const BUILD_SCRIPT_PATH = path.join(repoRoot(), BUILD_SCRIPT_RELATIVE_PATH);

/** sha256 (hex) of install-neo4j.sh as it is on disk: changes whenever the script changes. */
export function buildScriptHash(): string {
  return buildScriptHashOf(readFileSync(BUILD_SCRIPT_PATH));
}
