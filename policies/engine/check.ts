/**
 * Judges Terraform documents with the compiled policy, applies waivers and builds the report that
 * policies/engine/report.ts renders as text, JSON or SARIF.
 */
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { loadEngine, RawFinding } from './evaluate';
import { InputError } from './errors';
import { HOST_RULES } from './host-rules';
import { RuleMetadata, Severity } from './metadata';
import { normalise, NormalisedDocument, ResourceMeta } from './normalise';
import { locationFromStackTrace, SourceLocation } from './location';
import { isIsoDate } from '../../contracts/waivers';

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
  /** Per document: label, format, resource count and evaluation time. */
  readonly documents: { label: string; format: string; resources: number; evalMs: number }[];
}

export interface CheckOptions {
  /** Today as YYYY-MM-DD (UTC) for waiver expiry. @default - the current date */
  readonly today?: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { deny: 0, warn: 1 };

function relative(file: string): string {
  const rel = path.relative(repoRoot(), file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

/** The line of a resource in the generated JSON: cheap text search, only for findings. */
function generatedLocation(
  doc: CheckDocument,
  normal: NormalisedDocument,
  address: string,
): SourceLocation | undefined {
  if (!doc.file) return undefined;
  const text = doc.text ?? '';
  const lineAt = (index: number) => (index < 0 ? 1 : text.slice(0, index).split('\n').length);
  const r = normal.input.resources[address];
  let index = -1;
  if (r && text) {
    if (normal.input.format === 'plan') index = text.indexOf(`"address": ${JSON.stringify(address)}`);
    else {
      const section = text.indexOf(r.mode === 'data' ? '"data": {' : '"resource": {');
      const type = text.indexOf(`${JSON.stringify(r.type)}: {`, Math.max(section, 0));
      index = type < 0 ? -1 : text.indexOf(`${JSON.stringify(r.name)}: {`, type);
    }
  }
  return { file: relative(doc.file), line: lineAt(index), column: 1 };
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
  const findings: LocatedFinding[] = [];
  const waived: LocatedFinding[] = [];
  const waivers: WaiverEntry[] = [];
  const stats: Report['documents'] = [];
  let resources = 0;

  for (const doc of documents) {
    const normal = normalise(doc.doc, doc.label);
    const stack = normal.input.stack;
    resources += Object.keys(normal.input.resources).length;
    const start = performance.now();
    const raw: RawFinding[] = engine.evaluate(normal.input);
    stats.push({
      label: stack,
      format: normal.input.format,
      resources: Object.keys(normal.input.resources).length,
      evalMs: performance.now() - start,
    });

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
        metadata,
        source: locationFromStackTrace(meta?.stackTrace),
        generated: generatedLocation(doc, normal, address),
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

/** Parses JSON text into a check document; invalid JSON is an InputError that never echoes the content. */
export function parseDocument(label: string, text: string, file?: string): CheckDocument {
  try {
    return { label, file, text, doc: JSON.parse(text) };
  } catch (err) {
    const pos = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new InputError(`${label}: invalid JSON${pos ? ` (at position ${pos})` : ''}`);
  }
}
