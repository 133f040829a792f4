/**
 * A folder made and proved writable before a command does its work, with a bounded walk.
 *
 * Why not `mkdirSync(dir, { recursive: true })`: Node's native recursive mkdir (Node 20 and 22) retries for ever when
 * a parent exists but cannot hold the child: under /proc (mkdir answers ENOENT, the parent EEXIST, and again), or
 * below a dangling symlink. It spins at 100% CPU inside one synchronous call, so not even SIGTERM's handler runs.
 * Here each folder is made with a plain mkdir, parents first, once: an ENOENT after the parent exists is final.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';

function code(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

/** Why a folder cannot be made or written, in words (the errno code in brackets). */
function why(err: unknown): string {
  const c = code(err);
  const words: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENOENT: 'a parent cannot hold folders (a dangling link, or a virtual file system such as /proc)',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EEXIST: 'it exists and is not a folder',
  };
  return c && words[c] ? `${words[c]} (${c})` : (err as Error).message;
}

/**
 * Makes `dir` and its missing parents, each with one plain mkdir (at most one call per path component). Throws the
 * first error, as Node would, but never loops.
 */
export function makeDirectory(dir: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      if (statSync(current).isDirectory()) break;
      throw Object.assign(new Error(`not a folder: ${current}`), { code: current === target ? 'EEXIST' : 'ENOTDIR' });
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break; // the root itself is missing: the mkdir below reports it
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      if (code(err) !== 'EEXIST' || !statSync(folder).isDirectory()) throw err; // made meanwhile: fine
    }
  }
}

/**
 * Makes `dir` and proves it writable (a probe file written and removed), before any work that would write there.
 * Anything else is an InputError (exit 2) with one line naming `what` (e.g. "--report-dir /proc/x").
 */
export function ensureWritableDirectory(dir: string, what: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    makeDirectory(dir);
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'probe\n');
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
  } catch (err) {
    throw new InputError(`${what}: cannot write there: ${why(err)}`, err);
  }
}
