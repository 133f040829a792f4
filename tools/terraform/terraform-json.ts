/** Terraform JSON as cdktf synthesizes it (`cdktf.out/stacks/<stack>/cdk.tf.json`), and reading it. */
import { readFileSync } from 'node:fs';
import { TerraformError } from './errors';

export type Blocks = Record<string, Record<string, Record<string, unknown>>>;

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

/** Reads and parses a stack file; a missing or non-Terraform file is an `input` error (one line). */
export function readStack(file: string): TerraformJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TerraformError('input', `${file} not found: synthesize first (npm run synth)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TerraformError('input', `${file} is not JSON`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('terraform' in json))
    throw new TerraformError('input', `${file} is not Terraform JSON (no "terraform" block)`);
  return json as TerraformJson;
}

/** Every resource address (`type.name`) of a document, in file order. */
export function resourceAddresses(json: TerraformJson): string[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
}
