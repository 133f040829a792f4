import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

/*
 * Where a resource was created comes from the synthesized JSON itself: `//.metadata.stackTrace` of each resource,
 * which the app records when synthesized with stack traces on (`CREDEX_STACK_TRACES=1 node --enable-source-maps
 * dist/main.js`, as `npm run policy-check` does). The gate never builds the app.
 */

export interface SourceLocation {
  /** Repository-relative path with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The first frame of a construct stack trace that lies in this project's TypeScript sources (not node_modules,
 * not dist/): the file and line that created the resource.
 */
export function locationFromStackTrace(
  trace: readonly string[] | undefined,
  root = repoRoot(),
): SourceLocation | undefined {
  for (const frame of trace ?? []) {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (!path.isAbsolute(file)) continue;
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const norm = rel.split(path.sep).join('/');
    if (norm.startsWith('node_modules/') || norm.startsWith('dist/') || !/\.tsx?$/.test(norm)) continue;
    return { file: norm, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
