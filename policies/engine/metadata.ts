import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { policyPaths } from './paths';

export type Severity = 'deny' | 'warn';

/** One rule's METADATA, extracted by `npm run build:policies` (the wasm SDK has no rego.metadata.*). */
export interface RuleMetadata {
  /** "<area>.<rule name>" under data.credex.rules: the key the compiled policy reports findings under. */
  readonly key: string;
  readonly id: string;
  readonly severity: Severity;
  /** What the rule requires. */
  readonly title: string;
  /** Why it matters. */
  readonly description: string;
  /** How to fix a finding. */
  readonly remediation: string;
  /** Source file (relative to the repository root) and line of the rule; host rules name their .ts file. */
  readonly file: string;
  readonly line: number;
  /**
   * Resource types the rule reads across the whole document rather than through links from what it judges
   * (`custom.context_types`: "some T anywhere excuses this"); every chunk of a partitioned document holds them.
   */
  readonly contextTypes?: readonly string[];
  /**
   * Types the rule reads document-wide but accepts a chunk's view of, each with the reason
   * (`custom.partial_view`: e.g. only a message's wording depends on them, never whether there is a finding).
   */
  readonly partialView?: Readonly<Record<string, string>>;
}

export interface BundleMetadata {
  /** sha256 over the non-test .rego sources and the capabilities file: the staleness check compares it. */
  readonly sourceHash: string;
  readonly opaVersion: string;
  readonly entrypoint: string;
  readonly rules: readonly RuleMetadata[];
}

/** The files the compiled bundle depends on, relative to the repository root, sorted. */
export function bundleSources(): string[] {
  const root = path.dirname(path.dirname(policyPaths.regoDir()));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.rego') && !entry.name.endsWith('_test.rego')) files.push(full);
    }
  };
  walk(policyPaths.regoDir());
  files.push(policyPaths.capabilities());
  return files.map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
}

/** Hash of the bundle's sources (paths and contents), independent of line endings. */
export function sourceHash(): string {
  const root = path.dirname(path.dirname(policyPaths.regoDir()));
  const hash = createHash('sha256');
  for (const rel of bundleSources()) {
    hash.update(rel + '\0');
    hash.update(readFileSync(path.join(root, rel), 'utf8').replace(/\r\n/g, '\n') + '\0');
  }
  return hash.digest('hex');
}

let cached: BundleMetadata | undefined;

/** The committed bundle metadata (policies/bundle/metadata.json). */
export function bundleMetadata(): BundleMetadata {
  if (!cached) cached = JSON.parse(readFileSync(policyPaths.metadata(), 'utf8')) as BundleMetadata;
  return cached;
}

/** The types every chunk of a partitioned document receives: those the bundle's rules declare in context_types. */
export function contextTypes(metadata: BundleMetadata): ReadonlySet<string> {
  return new Set(metadata.rules.flatMap((r) => r.contextTypes ?? []));
}
