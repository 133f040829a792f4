/**
 * Judges Terraform documents with the compiled policy, applies waivers and builds the report that
 * policies/engine/report.ts renders as text, JSON or SARIF.
 */
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { loadEngine, RawFinding } from './evaluate';
import { InputError } from '../../lib/errors';
import { HOST_RULES } from './host-rules';
import { contextTypes, RuleMetadata, Severity } from './metadata';
import { normalise, ResourceMeta } from './normalise';
import { locationFromStackTrace, SourceLocation } from './location';
import { isIsoDate } from '../../contracts/waivers';
import { partition } from './partition';
import { evaluateChunks } from './parallel';
import { jsonTextProblem } from './json-text';

export interface CheckDocument {
  /** Stack name, or the input file as given. */
  readonly label: string;
  /** The file the document was read from (absolute), for locations in generated JSON. */
  readonly file?: string;
  /** The file's text, for line numbers in generated JSON. */
  readonly text?: string;
  readonly doc: unknown;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly address: string;
  readonly message: string;
  readonly stack: string;
  /** The document the finding is in: the input file as given, or the stack name for synthesized stacks. */
  readonly document: string;
}

/** A finding with what the renderers need besides the contract fields. */
export interface LocatedFinding extends Finding {
  readonly metadata: RuleMetadata;
  /** The TypeScript that created the resource, when known. */
  readonly source?: SourceLocation;
  /** The generated JSON (cdk.tf.json or the input file) and the resource's line in it. */
  readonly generated?: SourceLocation;
  /** Set on waived findings. */
  readonly waivedBy?: WaiverEntry;
}

export type WaiverStatus = 'applied' | 'unused' | 'expired' | 'invalid';

export interface WaiverEntry {
  readonly rule: string;
  readonly address: string;
  readonly stack: string;
  readonly reason: string;
  readonly expires?: string;
  readonly status: WaiverStatus;
  /** Findings this waiver hid. */
  readonly findings: number;
}

export interface Summary {
  readonly stacks: number;
  readonly resources: number;
  readonly deny: number;
  readonly warn: number;
  readonly waived: number;
  readonly waivers: number;
  readonly passed: boolean;
}

export interface Report {
  readonly findings: LocatedFinding[];
  readonly waived: LocatedFinding[];
  readonly waivers: WaiverEntry[];
  readonly summary: Summary;
  readonly rules: readonly RuleMetadata[];
  /** Per document: its label (the file as given, or the stack), stack, format, resource count, evaluation time. */
  readonly documents: DocumentStats[];
}

export interface DocumentStats {
  readonly label: string;
  readonly stack: string;
  readonly format: string;
  readonly resources: number;
  readonly chunks: number;
  readonly evalMs: number;
}

export interface CheckOptions {
  /** Today as YYYY-MM-DD (UTC) for waiver expiry. @default - the current date */
  readonly today?: string;
  /** Largest chunk a big document is split into for evaluation (policies/engine/partition.ts). @default 500 */
  readonly chunkSize?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { deny: 0, warn: 1 };

function relative(file: string): string {
  const rel = path.relative(repoRoot(), file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

/**
 * The line of each resource in the generated JSON, from one pass over the text (built only when a document has
 * findings): a plan's `"address": "..."` lines, or cdk.tf.json's section / type / name keys (and module calls) as cdktf
 * indents them.
 * A resource not found (minified JSON) is at line 1.
 */
function resourceLines(text: string, format: string): Map<string, number> {
  const lines = new Map<string, number>();
  let section = '';
  let type = '';
  let line = 0;
  for (let start = 0; start <= text.length;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    line++;
    if (format === 'plan') {
      const at = text.indexOf('"address": "', start);
      if (at >= 0 && at < stop) {
        const address = text.slice(at + 12, text.indexOf('"', at + 12));
        if (!lines.has(address)) lines.set(address, line);
      }
    } else {
      const m = /^( +)"((?:[^"\\]|\\.)*)": \{$/.exec(text.slice(start, stop));
      if (m && m[1].length === 2) section = m[2];
      else if (m && m[1].length === 4 && section === 'module') {
        if (!lines.has(`module.${m[2]}`)) lines.set(`module.${m[2]}`, line);
      } else if (m && m[1].length === 4) type = m[2];
      else if (m && m[1].length === 6 && (section === 'resource' || section === 'data')) {
        const address = `${section === 'data' ? 'data.' : ''}${type}.${m[2]}`;
        if (!lines.has(address)) lines.set(address, line);
      }
    }
    if (end < 0) break;
    start = end + 1;
  }
  return lines;
}

function locator(doc: CheckDocument, format: string): (address: string) => SourceLocation | undefined {
  let lines: Map<string, number> | undefined;
  return (address) => {
    if (!doc.file) return undefined;
    lines ??= resourceLines(doc.text ?? '', format);
    return { file: relative(doc.file), line: lines.get(address) ?? 1, column: 1 };
  };
}

/** One finding per rule, address and message, in first-seen order (chunks may repeat context resources). */
function unique(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\u0000${f.address}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface ParsedWaiver {
  readonly rule: string;
  readonly reason: string;
  readonly expires?: string;
  readonly problem?: string;
}

function parseWaiver(raw: unknown, knownIds: Set<string>): ParsedWaiver {
  const w = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const rule = typeof w.rule === 'string' ? w.rule : '';
  const reason = typeof w.reason === 'string' ? w.reason.trim() : '';
  const expires = typeof w.expires === 'string' ? w.expires : undefined;
  let problem: string | undefined;
  if (!knownIds.has(rule)) problem = `names ${rule ? `unknown rule ${rule}` : 'no rule'}`;
  else if (reason === '') problem = 'has no reason';
  else if (w.expires !== undefined && !isIsoDate(w.expires)) problem = 'has an expiry that is not a YYYY-MM-DD date';
  return { rule: rule || '(none)', reason, expires, problem };
}

/** Evaluates every document with the wasm policy (loaded once) and applies the waivers recorded in them. */
export async function checkDocuments(documents: readonly CheckDocument[], options: CheckOptions = {}): Promise<Report> {
  const engine = await loadEngine();
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const byKey = new Map(engine.metadata.rules.map((r) => [r.key, r]));
  const knownIds = new Set(engine.metadata.rules.map((r) => r.id));
  const context = contextTypes(engine.metadata);
  const findings: LocatedFinding[] = [];
  const waived: LocatedFinding[] = [];
  const waivers: WaiverEntry[] = [];
  const stats: Report['documents'] = [];
  let resources = 0;

  for (const doc of documents) {
    const normal = normalise(doc.doc, doc.label);
    const stack = normal.input.stack;
    const count = Object.keys(normal.input.resources).length;
    resources += count;
    const start = performance.now();
    const chunks = partition(normal.input, context, options.chunkSize);
    const raw: RawFinding[] =
      chunks.length === 1 ? engine.evaluate(chunks[0]) : unique((await evaluateChunks(engine, chunks)).flat());
    stats.push({
      label: doc.label,
      stack,
      format: normal.input.format,
      resources: count,
      chunks: chunks.length,
      evalMs: performance.now() - start,
    });
    const generatedLocation = locator(doc, normal.input.format);

    const locate = (
      address: string,
      metadata: RuleMetadata,
      message: string,
      waivedBy?: WaiverEntry,
    ): LocatedFinding => {
      const meta: ResourceMeta | undefined = normal.meta[address];
      return {
        rule: metadata.id,
        severity: metadata.severity,
        address,
        message,
        stack,
        document: doc.label,
        metadata,
        source: locationFromStackTrace(meta?.stackTrace),
        generated: generatedLocation(address),
        waivedBy,
      };
    };

    const docFindings = raw.map((f) => {
      const metadata = byKey.get(f.rule);
      if (!metadata)
        throw new Error(
          `the policy bundle reported rule ${f.rule}, which has no METADATA: rebuild with npm run build:policies`,
        );
      return { f, metadata };
    });
    const hidden = new Set<number>();

    for (const [address, meta] of Object.entries(normal.meta)) {
      for (const rawWaiver of meta.waivers) {
        const w = parseWaiver(rawWaiver, knownIds);
        const base = { rule: w.rule, address, stack, reason: w.reason, ...(w.expires ? { expires: w.expires } : {}) };
        if (w.problem) {
          waivers.push({ ...base, status: 'invalid', findings: 0 });
          findings.push(
            locate(address, HOST_RULES.waiverInvalid, `the waiver of ${w.rule} ${w.problem}; it is not applied`),
          );
          continue;
        }
        if (w.expires && w.expires < today) {
          waivers.push({ ...base, status: 'expired', findings: 0 });
          findings.push(
            locate(
              address,
              HOST_RULES.waiverExpired,
              `the waiver of ${w.rule} expired on ${w.expires}; its findings are reported again`,
            ),
          );
          continue;
        }
        const matches = docFindings
          .map((d, i) => (d.f.address === address && d.metadata.id === w.rule ? i : -1))
          .filter((i) => i >= 0);
        const entry: WaiverEntry = {
          ...base,
          status: matches.length > 0 ? 'applied' : 'unused',
          findings: matches.length,
        };
        waivers.push(entry);
        if (matches.length === 0) {
          findings.push(
            locate(address, HOST_RULES.waiverUnused, `the waiver of ${w.rule} matches no finding; remove it`),
          );
        }
        for (const i of matches) {
          if (hidden.has(i)) continue;
          hidden.add(i);
          waived.push(locate(address, docFindings[i].metadata, docFindings[i].f.message, entry));
        }
      }
    }
    docFindings.forEach((d, i) => {
      if (!hidden.has(i)) findings.push(locate(d.f.address, d.metadata, d.f.message));
    });
  }

  const order = (a: LocatedFinding, b: LocatedFinding) =>
    a.document.localeCompare(b.document) ||
    a.stack.localeCompare(b.stack) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.rule.localeCompare(b.rule) ||
    a.address.localeCompare(b.address) ||
    a.message.localeCompare(b.message);
  findings.sort(order);
  waived.sort(order);
  const deny = findings.filter((f) => f.severity === 'deny').length;
  return {
    findings,
    waived,
    waivers,
    rules: [...engine.metadata.rules, ...Object.values(HOST_RULES)],
    documents: stats,
    summary: {
      stacks: documents.length,
      resources,
      deny,
      warn: findings.length - deny,
      waived: waived.length,
      waivers: waivers.length,
      passed: deny === 0,
    },
  };
}

/**
 * Parses JSON text into a check document. Nesting deeper than MAX_DEPTH, a repeated key (named with its line) and
 * invalid JSON are InputErrors; an invalid document's content is never echoed.
 */
export function parseDocument(label: string, text: string, file?: string): CheckDocument {
  if (text.trim() === '') throw new InputError(`${label}: empty file, not Terraform JSON`);
  const problem = jsonTextProblem(text);
  if (problem?.kind === 'deep')
    throw new InputError(
      `${label}: JSON nested deeper than ${problem.limit} levels; Terraform JSON is never that deep`,
    );
  if (problem?.kind === 'duplicate') {
    const key = JSON.stringify(problem.key.length > 80 ? `${problem.key.slice(0, 80)}…` : problem.key);
    throw new InputError(
      `${label}: duplicate key ${key} at line ${problem.line}, column ${problem.column} (first at line ${problem.firstLine}): ` +
        'a parsed document keeps only the last one, so the gate would judge less than Terraform reads; write the key once',
    );
  }
  try {
    return { label, file, text, doc: JSON.parse(text) };
  } catch (err) {
    const pos = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new InputError(`${label}: invalid JSON${pos ? ` (at position ${pos})` : ''}`);
  }
}
