/**
 * `npm run -s policy-check [-- --input PATH ...] [--stacks DIR] [--format text|json|sarif] [--output FILE]`
 *
 * The gate judges synthesized files; it never builds the app. Without --input it reads every
 * `cdktf.out/stacks/<stack>/cdk.tf.json` (`npm run policy-check` without --input synthesizes them first, with stack
 * traces on, so findings point at the TypeScript line that created the resource; run directly, the gate says in one
 * line when cdktf.out/ is older than the app's sources). With --input (repeatable) it judges each file, or every
 * cdk.tf.json and plan JSON inside a folder, and nothing is synthesized (dev/policy-check.js).
 * Exit codes: see SPEC.exitCodes (and lib/exit-codes.ts).
 */
import { readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { processIo, runCommand, runMain, type CliIo, type CommandSpec } from '../lib/cli';
import { InputError, UsageError } from '../lib/errors';
import { ExitCode } from '../lib/exit-codes';
import { repoRoot } from '../lib/paths';
import { STACK_FILE, stackFile, synthesizedStacks } from '../lib/synth-output';
import { CheckDocument, checkDocuments, parseDocument } from './engine/check';
import { render, ReportFormat } from './engine/report';
import { isPolicyWorker } from './engine/parallel';

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

export const SPEC = {
  name: 'policy-check',
  usage: [
    'npm run -s policy-check -- [--format text|json|sarif] [--output FILE]',
    'npm run -s policy-check -- --input PATH [--input PATH ...] [--format text|json|sarif] [--output FILE]',
    'node dist/policies/cli.js --stacks DIR [--format text|json|sarif] [--output FILE]',
  ],
  description:
    'Judges Terraform JSON against the Rego policies (docs/policies.md). Without --input: every\n' +
    '<DIR>/stacks/<stack>/cdk.tf.json that `npm run synth` wrote (npm run policy-check synthesizes first, with stack\n' +
    'traces, then checks). With --input: each file given, or every cdk.tf.json and `terraform show -json` plan\n' +
    "inside a folder (other JSON there, such as cdktf's manifest.json, is skipped); nothing is synthesized. The\n" +
    'report names each document; the gate fails when any of them has a deny finding. Whatever the gate cannot\n' +
    'decide is a finding, never a pass.',
  options: {
    input: {
      type: 'string',
      multiple: true,
      value: 'PATH',
      description:
        'a Terraform JSON file (cdktf config or `terraform show -json` plan) or a folder of them;\n' +
        'e.g. --input plan.json --input cdktf.out/stacks',
    },
    stacks: {
      type: 'string',
      value: 'DIR',
      description: 'folder with stacks/<stack>/cdk.tf.json (default cdktf.out); e.g. --stacks /tmp/out',
    },
    format: {
      type: 'string',
      value: 'text|json|sarif',
      description: 'report format (default text); e.g. --format sarif for GitHub code scanning',
    },
    output: {
      type: 'string',
      value: 'FILE',
      description:
        'write the report to FILE instead of stdout (its folder must exist; never one of the inputs);\n' +
        'e.g. --output policy.sarif',
    },
  },
  examples: [
    'npm run -s policy-check',
    'npm run -s policy-check -- --format sarif --output policy.sarif',
    'terraform show -json plan.tfplan > plan.json && npm run -s policy-check -- --input plan.json',
    'npm run -s policy-check -- --input staging-plan.json --input production-plan.json --format json',
    'npm run -s policy-check -- --input cdktf.out/stacks',
  ],
  exitCodes: [
    [ExitCode.OK, 'no deny finding'],
    [ExitCode.FAILED, 'at least one deny finding'],
    [
      ExitCode.USAGE,
      'no verdict: usage error, unusable input (missing or unreadable file, empty file, invalid JSON,\n' +
        'JSON nested deeper than 512 levels, not Terraform JSON or wrong-shaped sections, a folder with\n' +
        'nothing to judge, no synthesized stacks, --output into a missing folder or onto an input) or\n' +
        'internal error; one line on stderr',
    ],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

/** A file's identity for "is this one of the inputs": its real path, or the resolved path when it does not exist. */
function identity(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Whether a JSON file inside a folder is something to judge: a cdk.tf.json, or a plan by its first bytes. */
function judgeable(file: string): boolean {
  if (path.basename(file) === STACK_FILE) return true;
  let head = '';
  try {
    head = readFileSync(file, 'utf8').slice(0, 4096);
  } catch {
    return true; // unreadable: reported by readInput
  }
  return (
    /"(format_version|planned_values|resource_changes)"\s*:/.test(head) && !/"(resource|data)"\s*:\s*\{/.test(head)
  );
}

/** The files an --input names: the file itself, or every judgeable JSON file under a folder (sorted). */
export function inputFiles(input: string): string[] {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`cannot read ${input}: no such file`);
  if (!stat.isDirectory()) return [input];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 8) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json') && judgeable(full)) found.push(full);
    }
  };
  walk(input, 0);
  if (found.length === 0)
    throw new InputError(`${input}: a folder with nothing to judge (no cdk.tf.json or plan JSON)`);
  return found;
}

function readInput(file: string, label = file): CheckDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code;
    throw new InputError(`cannot read ${file}: ${why}`);
  }
  return { ...parseDocument(label, text, path.resolve(file)), label };
}

/** Every `<dir>/stacks/<stack>/cdk.tf.json`, by stack name; none is an input error. */
export function readSynthesizedStacks(dir: string): CheckDocument[] {
  return synthesizedStacks(dir).map((name) => readInput(stackFile(dir, name), name));
}

/** The app's sources: a stack synthesized before one of them changed may not be what the app synthesizes now. */
const APP_SOURCES = ['main.ts', 'config', 'constructs', 'contracts', 'functions', 'generated'];

/**
 * One line when the default cdktf.out/ is older than a source of the app (the gate never builds the app; `npm run
 * policy-check` synthesizes first, a direct run of the gate may judge an old synthesis), else undefined.
 */
export function staleStacksNote(documents: readonly CheckDocument[], root = repoRoot()): string | undefined {
  const synthesized = Math.min(...documents.map((d) => (d.file ? statSync(d.file).mtimeMs : Infinity)));
  let newest = { file: '', mtime: 0 };
  const visit = (file: string, depth: number): void => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat || depth > 8) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry), depth + 1);
    } else if (stat.mtimeMs > newest.mtime) newest = { file, mtime: stat.mtimeMs };
  };
  for (const source of APP_SOURCES) visit(path.join(root, source), 0);
  if (newest.mtime <= synthesized) return undefined;
  return (
    `policy-check: cdktf.out/ is older than ${path.relative(root, newest.file)}: judging the stacks as last ` +
    'synthesized (npm run policy-check synthesizes first)'
  );
}

export function main(argv: readonly string[], io?: CliIo): Promise<number> {
  return runCommand(
    SPEC,
    argv,
    async ({ values }) => {
      const format = (values.format ?? 'text') as ReportFormat;
      if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json or sarif, not ${values.format}`);
      if (values.input && values.stacks) throw new UsageError('--input and --stacks exclude each other');
      const files = values.input ? [...new Set(values.input.flatMap(inputFiles))] : undefined;
      if (values.output && files) {
        const out = identity(values.output);
        const clash = files.find((f) => identity(f) === out);
        if (clash)
          throw new UsageError(
            `--output ${values.output} is an input (${clash}); the report never overwrites an input`,
          );
      }
      if (values.output) {
        const dir = path.dirname(path.resolve(values.output));
        if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
          throw new InputError(`cannot write ${values.output}: no such folder ${path.dirname(values.output)}`);
      }
      const documents = files
        ? files.map((file) => readInput(file))
        : readSynthesizedStacks(path.resolve(values.stacks ?? path.join(repoRoot(), 'cdktf.out')));
      if (!files && !values.stacks) {
        const note = staleStacksNote(documents);
        if (note) (io ?? processIo).stderr(note);
      }
      if (values.output && !files) {
        const out = identity(values.output);
        const clash = documents.find((d) => d.file && identity(d.file) === out);
        if (clash)
          throw new UsageError(
            `--output ${values.output} is an input (${clash.file}); the report never overwrites an input`,
          );
      }
      const report = await checkDocuments(documents);
      const text = render(report, format);
      if (values.output) {
        try {
          writeFileSync(values.output, text);
        } catch (err) {
          throw new InputError(`cannot write ${values.output}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
        }
      } else {
        process.stdout.write(text);
      }
      return report.summary.passed ? ExitCode.OK : ExitCode.FAILED;
    },
    io,
  );
}

if (require.main === module && !isPolicyWorker()) runMain(SPEC.name, () => main(process.argv.slice(2)));
