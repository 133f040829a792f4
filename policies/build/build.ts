/**
 * `npm run build:policies`: compiles policies/rego to policies/bundle/policy.wasm with `opa build -t wasm`
 * against policies/build/capabilities.json (the builtins the npm opa-wasm SDK can run, so any other builtin fails
 * the build), after regenerating the list of actions AWS cannot scope (policies/build/unscopable.ts), extracts every rule's METADATA into policies/bundle/metadata.json (failing a rule that reads a type document-wide
 * without declaring it in custom.context_types: policies/build/context-reads.ts) and regenerates
 * docs/policies.md. Exit 0 on success, 2 with a one-line error otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadIamReference } from '../../lib/iam-reference';
import { repoRoot } from '../../lib/paths';
import { renderPolicyDocs, renderReadmeRules } from './docs';
import { BundleMetadata, RuleMetadata, Severity, sourceHash } from '../engine/metadata';
import { EFFECTIVE_ENTRYPOINT, ENTRYPOINT, policyPaths } from '../engine/paths';
import { renderUnscopableRego } from './unscopable';
import { ruleDocumentReads } from './context-reads';
import { estateSecretsFile, renderEstateSecretsRego } from './estate-secrets';

interface Annotation {
  annotations: { title?: string; description?: string; custom?: Record<string, unknown> };
  location: { file: string; row: number };
  path: { type: string; value: string }[];
}

function opa(args: string[]): string {
  return execFileSync(policyPaths.opa(), args, {
    cwd: repoRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The capabilities file: the SDK's builtins and ABI versions, with this opa's language features (rego_v1). */
export function writeCapabilities(): void {
  const sdkFile = path.join(repoRoot(), 'node_modules', '@open-policy-agent', 'opa-wasm', 'capabilities.json');
  const sdk = JSON.parse(readFileSync(sdkFile, 'utf8'));
  const current = JSON.parse(opa(['capabilities', '--current']));
  const caps = { builtins: sdk.builtins, wasm_abi_versions: sdk.wasm_abi_versions, features: current.features };
  writeFileSync(policyPaths.capabilities(), JSON.stringify(caps, null, 2) + '\n');
}

/** Reads one member of a .tar.gz (opa's bundle) without a tar dependency. */
export function extractFromTarGz(archive: Buffer, member: string): Buffer {
  const tar = gunzipSync(archive);
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = (field(345, 155) ? field(345, 155) + '/' : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const dataStart = offset + 512;
    if (name.replace(/^\/+/, '') === member) return Buffer.from(tar.subarray(dataStart, dataStart + size));
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${member} not found in the opa bundle`);
}

function str(value: unknown, what: string, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where}: METADATA lacks ${what}`);
  return value.trim();
}

/** Rule metadata from `opa inspect -a`: one entry per rule under data.credex.rules, validated. */
export function extractRules(): RuleMetadata[] {
  const inspected = JSON.parse(opa(['inspect', '-a', '--format', 'json', policyPaths.regoDir()]));
  const annotations: Annotation[] = inspected.annotations ?? [];
  const rules: RuleMetadata[] = [];
  for (const a of annotations) {
    const parts = a.path.map((p) => p.value);
    if (parts[0] !== 'data' || parts[1] !== 'credex' || parts[2] !== 'rules' || parts.length !== 5) continue;
    const file = path.relative(repoRoot(), path.resolve(repoRoot(), a.location.file)).split(path.sep).join('/');
    const where = `${file}:${a.location.row}`;
    const custom = a.annotations.custom ?? {};
    const severity = str(custom.severity, 'custom.severity', where);
    if (severity !== 'deny' && severity !== 'warn') throw new Error(`${where}: custom.severity must be deny or warn`);
    const context = custom.context_types;
    if (context !== undefined && !(Array.isArray(context) && context.every((t) => typeof t === 'string' && t !== ''))) {
      throw new Error(`${where}: custom.context_types must be a list of resource types`);
    }
    const partial = custom.partial_view;
    if (
      partial !== undefined &&
      !(
        typeof partial === 'object' &&
        partial !== null &&
        !Array.isArray(partial) &&
        Object.values(partial).every((reason) => typeof reason === 'string' && reason.trim() !== '')
      )
    ) {
      throw new Error(
        `${where}: custom.partial_view must map each resource type to the reason a chunk's view is enough`,
      );
    }
    rules.push({
      key: `${parts[3]}.${parts[4]}`,
      id: str(custom.id, 'custom.id', where),
      severity: severity as Severity,
      title: str(a.annotations.title, 'a title', where),
      description: str(a.annotations.description, 'a description', where),
      remediation: str(custom.remediation, 'custom.remediation', where),
      file,
      line: a.location.row,
      ...(context?.length ? { contextTypes: [...new Set(context as string[])].sort() } : {}),
      ...(partial ? { partialView: partial as Record<string, string> } : {}),
    });
  }
  // The entry point iterates data.credex.rules[area][name]: a helper rule or function there would be reported as
  // findings (or, for functions, break the wasm), so every top-level rule in a rule package must be annotated.
  const annotated = new Set(rules.map((r) => `${r.file}:${r.key.split('.')[1]}`));
  const rulesDir = path.join(policyPaths.regoDir(), 'credex', 'rules');
  for (const area of readdirSync(rulesDir)) {
    for (const name of readdirSync(path.join(rulesDir, area))) {
      if (!name.endsWith('.rego') || name.endsWith('_test.rego')) continue;
      const file = path
        .relative(repoRoot(), path.join(rulesDir, area, name))
        .split(path.sep)
        .join('/');
      for (const m of readFileSync(path.join(rulesDir, area, name), 'utf8').matchAll(/^([a-z_][A-Za-z0-9_]*)\b/gm)) {
        if (m[1] === 'package' || m[1] === 'import') continue;
        if (!rules.some((r) => r.key === `${area}.${m[1]}`) && !annotated.has(`${file}:${m[1]}`)) {
          throw new Error(
            `${file}: ${m[1]} is not a finding rule with METADATA; move helpers to policies/rego/credex/lib`,
          );
        }
      }
    }
  }
  const seen = new Map<string, string>();
  for (const r of rules) {
    for (const k of [r.id, r.key]) {
      if (seen.has(k)) throw new Error(`duplicate rule ${k} (${seen.get(k)} and ${r.file})`);
      seen.set(k, r.file);
    }
  }
  return rules.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Fails a rule that reads a type document-wide without declaring it in custom.context_types
 * (policies/build/context-reads.ts): chunked evaluation would give it a partial view.
 */
export function checkContextTypes(
  rules: readonly RuleMetadata[],
  reads: ReadonlyMap<string, ReadonlyMap<string, string>>,
): void {
  for (const rule of rules) {
    const declared = new Set([...(rule.contextTypes ?? []), ...Object.keys(rule.partialView ?? {})]);
    for (const [type, where] of reads.get(rule.key) ?? []) {
      if (declared.has(type)) continue;
      const what = type.startsWith('<')
        ? `reads resources of a computed type ${type} document-wide (in ${where}): name the types literally`
        : `reads ${type} document-wide (in ${where}) without declaring it: add it to custom.context_types, or link each ${type} to what the rule judges (named_by, refers_to, ref_keys)`;
      throw new Error(`${rule.file}:${rule.line}: ${rule.id} ${what}`);
    }
  }
}

export function buildPolicies(): BundleMetadata {
  if (!existsSync(policyPaths.opa()))
    throw new Error(`opa is not installed at ${policyPaths.opa()}: run 'npm run setup'`);
  writeCapabilities();
  writeFileSync(policyPaths.unscopable(), renderUnscopableRego(loadIamReference()));
  writeFileSync(estateSecretsFile(), renderEstateSecretsRego());
  const rules = extractRules();
  checkContextTypes(rules, ruleDocumentReads());
  const tmp = mkdtempSync(path.join(tmpdir(), 'credex-policy-'));
  try {
    const out = path.join(tmp, 'bundle.tar.gz');
    opa([
      'build',
      '-t',
      'wasm',
      '-e',
      ENTRYPOINT,
      '-e',
      EFFECTIVE_ENTRYPOINT,
      '--capabilities',
      policyPaths.capabilities(),
      '--ignore',
      '*_test.rego',
      '-o',
      out,
      policyPaths.regoDir(),
    ]);
    writeFileSync(policyPaths.wasm(), extractFromTarGz(readFileSync(out), 'policy.wasm'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const version = /Version:\s*(\S+)/.exec(opa(['version']))?.[1] ?? 'unknown';
  const metadata: BundleMetadata = { sourceHash: sourceHash(), opaVersion: version, entrypoint: ENTRYPOINT, rules };
  writeFileSync(policyPaths.metadata(), JSON.stringify(metadata, null, 2) + '\n');
  writeFileSync(policyPaths.docs(), renderPolicyDocs(rules));
  writeFileSync(policyPaths.readme(), renderReadmeRules(readFileSync(policyPaths.readme(), 'utf8'), rules));
  return metadata;
}

if (require.main === module) {
  try {
    const m = buildPolicies();
    process.stdout.write(
      `build:policies: ${m.rules.length} rules compiled to ${path.relative(repoRoot(), policyPaths.wasm())}\n`,
    );
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const detail = (e.stderr || e.message || String(err)).trim().split('\n').slice(0, 3).join(' ');
    process.stderr.write(`build:policies: ${detail}\n`);
    process.exit(2);
  }
}
