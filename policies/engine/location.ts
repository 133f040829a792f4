import { Node } from 'constructs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

const PATCHED = Symbol.for('credex/policies/construct-stack-traces');

/**
 * cdktf 0.21 asks constructs for a "stacktrace" metadata entry on every resource but never passes
 * `stackTrace: true`, so `//.metadata.stackTrace` stays empty. Turning it on for this process makes each
 * resource record where it was created; with --enable-source-maps (or under jest) the frames name the .ts files.
 * Call before the app is built.
 */
export function enableConstructStackTraces(): void {
  const proto = Node.prototype as unknown as Record<PropertyKey, unknown> & {
    addMetadata: (type: string, data: unknown, options?: { stackTrace?: boolean; traceFromFunction?: unknown }) => void;
  };
  if (proto[PATCHED]) return;
  const original = proto.addMetadata;
  const patched = function (this: Node, type: string, data: unknown, options: { stackTrace?: boolean; traceFromFunction?: unknown } = {}) {
    if (type === 'stacktrace' && options.stackTrace === undefined) {
      return original.call(this, type, data, { ...options, stackTrace: true, traceFromFunction: patched });
    }
    return original.call(this, type, data, options);
  };
  proto.addMetadata = patched;
  proto[PATCHED] = true;
}

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
export function locationFromStackTrace(trace: readonly string[] | undefined, root = repoRoot()): SourceLocation | undefined {
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
