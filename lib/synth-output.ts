/**
 * The synthesized stacks, as `npm run synth` (and `cdktf synth`) writes them: `<outdir>/stacks/<stack>/cdk.tf.json`.
 * The one reader of that layout: the gate, the IAM generator, the diagram, the bench, the Terraform tools and the
 * rehearsal find, read and walk the stacks through it. Every failure is an InputError (one line, exit 2).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';

/** cdktf's output folder (cdktf.json `output`), relative to the repository root. */
export const SYNTH_OUTDIR = 'cdktf.out';

/** The file cdktf writes for each stack, under `<outdir>/stacks/<stack>/`. */
export const STACK_FILE = 'cdk.tf.json';

/** Blocks of one kind (`resource`, `data`): type -> name -> arguments. */
export type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** Terraform JSON as cdktf synthesizes it (the parts this project reads). */
export interface TerraformJson {
  terraform?: Record<string, unknown> & {
    backend?: Record<string, unknown>;
    required_providers?: Record<string, { source?: string; version?: string }>;
  };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Blocks;
  data?: Blocks;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
  locals?: Record<string, unknown>;
  '//'?: unknown;
}

/** A resource or data source of a stack, flat. */
export interface StackBlock {
  /** `aws_lb.load-balancer_alb_15AADC07`, or `data.aws_ami.neo4j-ami_image_67BC1D8B`. */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** The arguments as synthesized, cdktf's `//` metadata included. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** `<outdir>/stacks/<stack>/cdk.tf.json`. */
export function stackFile(outdir: string, stack: string): string {
  return path.join(outdir, 'stacks', stack, STACK_FILE);
}

/** The names of the stacks synthesized under `outdir`, sorted; none is an input error. */
export function synthesizedStacks(outdir: string): string[] {
  const stacksDir = path.join(outdir, 'stacks');
  let names: string[] = [];
  try {
    names = readdirSync(stacksDir).sort();
  } catch {
    // no folder: reported below
  }
  const found = names.filter((name) => statSync(stackFile(outdir, name), { throwIfNoEntry: false })?.isFile());
  if (found.length === 0) {
    const shown = path.relative(process.cwd(), stacksDir) || stacksDir;
    throw new InputError(
      `no synthesized stacks in ${shown.startsWith('..') ? stacksDir : shown} (no */${STACK_FILE}): run npm run synth first`,
    );
  }
  return found;
}

/** Reads and parses one stack file; missing, not JSON or without a `terraform` block is an input error. */
export function readTerraformJson(file: string): TerraformJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file} not found: synthesize first (npm run synth)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('terraform' in json))
    throw new InputError(`${file} is not Terraform JSON (no "terraform" block)`);
  return json as TerraformJson;
}

/** The stack `stack` under `outdir`. */
export function readStack(outdir: string, stack: string): TerraformJson {
  return readTerraformJson(stackFile(outdir, stack));
}

/** Every synthesized stack under `outdir` (or the ones named), by name. */
export function readStacks(
  outdir: string,
  names: readonly string[] = synthesizedStacks(outdir),
): Map<string, TerraformJson> {
  return new Map(names.map((name) => [name, readStack(outdir, name)]));
}

/** Every resource, then every data source, of a document, in file order. */
export function* stackBlocks(doc: TerraformJson): Generator<StackBlock> {
  for (const [mode, blocks] of [
    ['managed', doc.resource],
    ['data', doc.data],
  ] as const) {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName ?? {})) {
        yield { address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, mode, type, name, body };
      }
    }
  }
}

/** Every resource address (`type.name`) of a document, in file order (data sources left out). */
export function resourceAddresses(doc: TerraformJson): string[] {
  return [...stackBlocks(doc)].filter((block) => block.mode === 'managed').map((block) => block.address);
}
