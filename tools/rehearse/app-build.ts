/**
 * Builds the credex-core app the way its Dockerfile's build stage does (`npm ci`, then `tsc`), once, in a cache
 * under .tools/credex-core/, never inside the app's own folder (in CI `../shared/credex-core` is read-only):
 *
 *   deps-<lock hash>/            package.json, package-lock.json and node_modules: `npm ci --ignore-scripts`, once per
 *                                lock file (nothing the app loads needs an install script; bcrypt is never imported)
 *   build-<lock>-<source hash>/  a copy of the sources (src/, config/, tsconfig.json, package.json), node_modules
 *                                linked to the deps folder, and tsc's output in build/: once per source tree
 *
 * Each folder is made under a temporary name and renamed into place when complete, so a concurrent or interrupted
 * build never leaves a half-made folder that a later run would reuse.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../lib/errors';
import { repoRoot, toolsDir } from '../../lib/paths';

/** What the build copies of the app: its sources and the files tsc and node read. */
const SOURCES = ['src', 'config', 'tsconfig.json', 'package.json'];

export interface AppBuild {
  /** The app's folder the build was made from. */
  readonly appDir: string;
  /** The build folder: the working directory of the app (as /app is in the image). */
  readonly dir: string;
  /** The entry point, `build/src/index.js` (the Dockerfile's CMD). */
  readonly entry: string;
  readonly lockHash: string;
  readonly sourceHash: string;
  /** What this call did: reused both folders, installed the dependencies, compiled. */
  readonly installed: boolean;
  readonly compiled: boolean;
  /** Seconds spent installing and compiling in this call (0 when reused). */
  readonly installSeconds: number;
  readonly compileSeconds: number;
}

/** The default app: the snapshot next to this repository (`../shared/credex-core`). */
export function defaultAppDir(): string {
  return path.resolve(repoRoot(), '..', 'shared', 'credex-core');
}

/** The app folder to use, checked: `given`, else CREDEX_APP_DIR, else the default; one-line error when absent. */
export function resolveAppDir(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.resolve(given ?? env.CREDEX_APP_DIR ?? defaultAppDir());
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', path.join('src', 'index.ts')]) {
    if (!existsSync(path.join(dir, file)))
      throw new InputError(
        `no credex-core app at ${dir} (${file} missing): give a checkout of Great-Sun-Group/credex-core with --app DIR or CREDEX_APP_DIR, or put it at ../shared/credex-core`,
      );
  }
  return dir;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A hash of every file under the sources, by relative path and content. */
export function sourceHash(appDir: string): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    const abs = path.join(appDir, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(path.join(rel, name));
      return;
    }
    hash.update(`${rel}\0`).update(readFileSync(abs)).update('\0');
  };
  SOURCES.forEach(visit);
  return hash.digest('hex');
}

/** Runs a command to completion; rejects with its last output lines. */
function run(command: string, args: string[], cwd: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-3000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      if (code === 0) resolve();
      else {
        const tail = out.trim().split('\n').slice(-5).join(' | ');
        reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${code ?? sig}): ${tail}`));
      }
    });
  });
}

/** Makes `final` by filling a temporary folder with `fill` and renaming it; an existing `final` is kept. */
async function makeOnce(final: string, fill: (tmp: string) => Promise<void>): Promise<boolean> {
  if (existsSync(final)) return false;
  const tmp = `${final}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    try {
      renameSync(tmp, final);
    } catch (err) {
      if (!existsSync(final)) throw err; // someone else finished first: theirs is as good
    }
    return true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface PrepareOptions {
  /** @default .tools/credex-core */
  readonly cacheDir?: string;
  /** Progress lines ("installing the app's dependencies ..."). */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** The app built from `appDir`, reusing the cache; installs and compiles only what changed. */
export async function prepareApp(appDir: string, options: PrepareOptions = {}): Promise<AppBuild> {
  const cache = options.cacheDir ?? path.join(toolsDir(), 'credex-core');
  mkdirSync(cache, { recursive: true });
  const log = options.log ?? (() => undefined);
  const lockHash = sha(readFileSync(path.join(appDir, 'package-lock.json'))).slice(0, 16);
  const srcHash = sourceHash(appDir).slice(0, 16);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  const deps = path.join(cache, `deps-${lockHash}`);
  let started = performance.now();
  const installed = await makeOnce(deps, async (tmp) => {
    log(`installing the app's dependencies (npm ci, lock ${lockHash}) ...`);
    for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(appDir, f), path.join(tmp, f));
    await run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], tmp, options.signal);
  });
  const installSeconds = installed ? (performance.now() - started) / 1000 : 0;

  const dir = path.join(cache, `build-${lockHash}-${srcHash}`);
  started = performance.now();
  const compiled = await makeOnce(dir, async (tmp) => {
    log(`compiling the app (tsc, sources ${srcHash}) ...`);
    for (const f of SOURCES) {
      if (existsSync(path.join(appDir, f))) cpSync(path.join(appDir, f), path.join(tmp, f), { recursive: true });
    }
    symlinkSync(path.join(deps, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    await run(process.execPath, [path.join(deps, 'node_modules', 'typescript', 'bin', 'tsc')], tmp, options.signal);
  });
  const compileSeconds = compiled ? (performance.now() - started) / 1000 : 0;
  const entry = path.join(dir, 'build', 'src', 'index.js');
  if (!existsSync(entry)) throw new InputError(`the app built at ${dir} has no build/src/index.js`);
  return { appDir, dir, entry, lockHash, sourceHash: srcHash, installed, compiled, installSeconds, compileSeconds };
}
