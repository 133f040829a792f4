/**
 * The one way tests synthesize this project's stacks: `buildApp()` from main.ts, synthesized into a folder in the
 * `cdktf synth` layout (`<dir>/stacks/<name>/cdk.tf.json`) and parsed.
 *
 * Cached twice over:
 * - in module scope, so one test file synthesizes at most once per option set;
 * - on disk under dist/.synth-cache/<key>, where <key> is a sha256 over the options and every file of the
 *   repository that synthesis could read (all files except node_modules, dist, __tests__ and other generated or
 *   tool folders; this helper itself is included). Every jest worker, and every later run on unchanged sources,
 *   reads the folder instead of synthesizing again. The key is computed before and after synthesizing and the
 *   folder is published (an atomic rename) only when both agree, so a source file edited during synthesis never
 *   lands under a key it does not match.
 *
 * `CREDEX_SYNTH_CACHE=0` skips the disk cache (a fresh synthesis into a new folder, still once per test file).
 * Dependencies count through package-lock.json; node_modules itself is not hashed.
 *
 * The folder and the parsed documents are shared: treat both as read-only (the documents are frozen; copy with
 * `structuredClone` to break one on purpose). The folder lies inside the repository (dist/ is git-ignored), so
 * commands run in `<dir>/stacks/<name>` find package.json by walking up, as they do in cdktf.out.
 *
 * Tests whose point is the synth command itself (exit codes, CDKTF_OUTDIR, CREDEX_IMAGE_TAG) run `node dist/main.js`
 * instead. A test that needs a modified config synthesizes its own environment stack with `synthEnvironment`.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../../config';
import { repoRoot } from '../../lib/paths';
import { neo4jRotationPackage } from './function-package';

// The app and the provider modules load only when something is synthesized: a cache hit reads JSON and no more.
const cdktf = (): typeof import('cdktf') => require('cdktf');
const main = (): typeof import('../../main') => require('../../main');

/** A synthesized stack's cdk.tf.json, parsed. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  provider?: Record<string, Record<string, any>[]>;
  terraform: Record<string, any>;
  '//'?: Record<string, any>;
}

export interface SynthOptions {
  /**
   * Record in each resource's `//.metadata.stackTrace` where it was created (as `npm run policy-check` does), so
   * findings can point at the construct's TypeScript line.
   * @default false - as `npm run synth` writes the files
   */
  readonly stackTraces?: boolean;
}

export interface SynthResult {
  /** The output folder: `<dir>/stacks/<name>/cdk.tf.json`. Read-only, shared with other tests. */
  readonly dir: string;
  /** Stack names in the order the app defines them (`cdktf deploy <name>`). */
  readonly names: readonly string[];
  /** Parsed, frozen cdk.tf.json per stack name. */
  readonly stacks: Readonly<Record<string, TfJson>>;
  /** Absolute path of a stack's cdk.tf.json (throws on an unknown stack). */
  file(name: string): string;
  /** The cdk.tf.json text of a stack, as written. */
  text(name: string): string;
}

/** Folders never read by synthesis (generated, installed or test-only); everything else is part of the key. */
const NOT_SOURCES = new Set([
  'node_modules',
  '.git',
  'dist',
  'cdktf.out',
  '.tools',
  'coverage',
  'verify-report',
  '.terraform',
  '__tests__',
]);
/** A cache entry unused for a day, or an unpublished folder older than an hour, goes at the next miss. */
const PRUNE_ENTRY_AFTER_MS = 24 * 60 * 60 * 1000;
const PRUNE_UNPUBLISHED_AFTER_MS = 60 * 60 * 1000;

const inMemory = new Map<string, SynthResult>();

/**
 * The project's stacks (global, staging, production) as `npm run synth` writes them, synthesized at most once per
 * source state and option set.
 */
export function synthProject(options: SynthOptions = {}): SynthResult {
  const optionKey = JSON.stringify({ stackTraces: options.stackTraces === true });
  const hit = inMemory.get(optionKey);
  if (hit) return hit;
  const result = load(optionKey, options);
  inMemory.set(optionKey, result);
  return result;
}

/** One project stack's parsed cdk.tf.json (`synthProject().stacks[name]`, throwing on an unknown name). */
export function projectStack(name: string): TfJson {
  const { stacks, names } = synthProject();
  const json = stacks[name];
  if (!json) throw new Error(`synthProject: no stack "${name}" (stacks: ${names.join(', ')})`);
  return json;
}

/**
 * One environment stack built from the given (modified) config, as main.ts builds each environment, synthesized
 * in memory with validations. Not cached: for the few tests that change config; everything else reads
 * `synthProject()`.
 */
export function synthEnvironment(env: EnvironmentConfig, props: { imageTag?: string } = {}): TfJson {
  const { Testing } = cdktf();
  const { globalConfig } = require('../../config') as typeof import('../../config');
  const { EnvironmentStack } =
    require('../../constructs/environment-stack') as typeof import('../../constructs/environment-stack');
  const { buildScriptHash } = require('../../tools/ami/build-script') as typeof import('../../tools/ami/build-script');
  const stack = new EnvironmentStack(Testing.app(), env.name, {
    env,
    global: globalConfig,
    imageTag: props.imageTag,
    amiBuildScriptHash: buildScriptHash(),
    neo4jRotationPackage: neo4jRotationPackage(),
  });
  return JSON.parse(Testing.synth(stack, true)) as TfJson;
}

function load(optionKey: string, options: SynthOptions): SynthResult {
  const root = repoRoot();
  const cacheBase = path.join(root, 'dist', '.synth-cache');
  mkdirSync(cacheBase, { recursive: true });
  if (process.env.CREDEX_SYNTH_CACHE === '0') return read(synthesizeFresh(cacheBase, options));
  const key = sourceKey(root, optionKey);
  const dir = path.join(cacheBase, key.slice(0, 32));
  if (existsSync(path.join(dir, 'names.json'))) {
    touch(dir); // in use: not pruned
    return read(dir);
  }

  prune(cacheBase);
  const tmp = synthesizeFresh(cacheBase, options);
  // Sources changed while synthesizing: use this output, but do not publish it under either key.
  if (sourceKey(root, optionKey) !== key) return read(tmp);
  try {
    renameSync(tmp, dir);
  } catch {
    // Another worker published the same key first: theirs is the same output.
    rmSync(tmp, { recursive: true, force: true });
  }
  return read(dir);
}

/** Synthesizes into a new folder under the cache (not yet published) and returns it. */
function synthesizeFresh(cacheBase: string, options: SynthOptions): string {
  const tmp = mkdtempSync(path.join(cacheBase, '.tmp-'));
  try {
    writeFileSync(path.join(tmp, 'names.json'), JSON.stringify(synthesizeInto(tmp, options)));
    return tmp;
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

function synthesizeInto(outdir: string, options: SynthOptions): string[] {
  const { TerraformStack } = cdktf();
  const app = main().buildApp({ outdir, stackTraces: options.stackTraces === true });
  app.synth();
  return app.node.children.filter((c) => TerraformStack.isStack(c)).map((stack) => stack.node.id);
}

function read(dir: string): SynthResult {
  const names = JSON.parse(readFileSync(path.join(dir, 'names.json'), 'utf8')) as string[];
  const file = (name: string): string => {
    if (!names.includes(name)) throw new Error(`synthProject: no stack "${name}" (stacks: ${names.join(', ')})`);
    return path.join(dir, 'stacks', name, 'cdk.tf.json');
  };
  const stacks: Record<string, TfJson> = {};
  for (const name of names) stacks[name] = deepFreeze(JSON.parse(readFileSync(file(name), 'utf8')));
  return Object.freeze({
    dir,
    names: Object.freeze([...names]),
    stacks: Object.freeze(stacks),
    file,
    text: (name: string) => readFileSync(file(name), 'utf8'),
  });
}

/** sha256 over the options and every source file's path and bytes, in a stable order. */
function sourceKey(root: string, optionKey: string): string {
  const hash = createHash('sha256').update(optionKey).update('\0');
  const files = [...sourceFiles(root, ''), path.relative(root, __filename)].sort();
  for (const rel of files)
    hash
      .update(rel)
      .update('\0')
      .update(contents(path.join(root, rel)))
      .update('\0');
  return hash.digest('hex');
}

/** A file's bytes; a file removed since the folder was listed (someone is editing) hashes as a marker. */
function contents(file: string): Buffer | string {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '\0(removed)';
    throw error;
  }
}

function sourceFiles(root: string, rel: string): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const child = rel ? path.join(rel, entry.name) : entry.name;
    if (entry.isDirectory()) return NOT_SOURCES.has(entry.name) ? [] : sourceFiles(root, child);
    return entry.isFile() ? [child] : [];
  });
}

function touch(dir: string): void {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // Read-only or removed: the entry is still readable or the read below fails loudly.
  }
}

/** Removes cache entries not read for a day and unpublished folders (sources changed meanwhile) after an hour. */
function prune(cacheBase: string): void {
  const now = Date.now();
  for (const name of readdirSync(cacheBase)) {
    const full = path.join(cacheBase, name);
    try {
      const limit = name.startsWith('.tmp-') ? PRUNE_UNPUBLISHED_AFTER_MS : PRUNE_ENTRY_AFTER_MS;
      if (now - statSync(full).mtimeMs > limit) rmSync(full, { recursive: true, force: true });
    } catch {
      // Removed by another worker meanwhile.
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
