/**
 * `npm run -s policy-check [-- --input FILE] [--stacks DIR] [--format text|json|sarif] [--output FILE]`
 *
 * The gate judges synthesized files; it never builds the app. Without --input it reads every
 * `cdktf.out/stacks/<stack>/cdk.tf.json` (`npm run policy-check` synthesizes them first, with stack traces on, so
 * findings point at the TypeScript line that created the resource). With --input it judges that Terraform JSON
 * (cdktf config or `terraform show -json` plan). Exit codes: see EXIT_CODES below (and lib/exit-codes.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand, runMain, type CliIo, type CommandSpec } from '../lib/cli';
import { ExitCode } from '../lib/exit-codes';
import { repoRoot } from '../lib/paths';
import { CheckDocument, checkDocuments, parseDocument } from './engine/check';
import { InputError } from './engine/errors';
import { render, ReportFormat } from './engine/report';
import { UsageError } from '../lib/errors';

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

export const SPEC = {
  name: 'policy-check',
  usage: 'npm run -s policy-check -- [--input FILE | --stacks DIR] [--format text|json|sarif] [--output FILE]',
  description:
    'Judges Terraform JSON against the Rego policies. Without --input: every <DIR>/stacks/<stack>/cdk.tf.json that\n' +
    '`npm run synth` wrote (npm run policy-check synthesizes first, with stack traces, then checks).',
  options: {
    input: {
      type: 'string',
      value: 'FILE',
      description: 'judge this Terraform JSON (cdktf config or `terraform show -json` plan)',
    },
    stacks: { type: 'string', value: 'DIR', description: 'folder with stacks/<stack>/cdk.tf.json (default cdktf.out)' },
    format: { type: 'string', value: 'text|json|sarif', description: 'report format (default text)' },
    output: { type: 'string', value: 'FILE', description: 'write the report to FILE instead of stdout' },
  },
  examples: [
    'npm run -s policy-check',
    'npm run -s policy-check -- --format sarif --output policy.sarif',
    'terraform show -json plan.tfplan > plan.json && npm run -s policy-check -- --input plan.json',
  ],
  exitCodes: [
    [ExitCode.OK, 'no deny finding'],
    [ExitCode.FAILED, 'at least one deny finding'],
    [
      ExitCode.USAGE,
      'no verdict: usage error, unusable input (missing file, invalid JSON, not Terraform JSON,\nno synthesized stacks) or internal error; one line on stderr',
    ],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

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
  const stacksDir = path.join(dir, 'stacks');
  let names: string[] = [];
  try {
    names = readdirSync(stacksDir).sort();
  } catch {
    // no folder: reported below
  }
  const found = names.filter((name) =>
    statSync(path.join(stacksDir, name, 'cdk.tf.json'), { throwIfNoEntry: false })?.isFile(),
  );
  if (found.length === 0) {
    const shown = path.relative(process.cwd(), stacksDir) || stacksDir;
    throw new InputError(
      `no synthesized stacks in ${shown.startsWith('..') ? stacksDir : shown} (no */cdk.tf.json): run npm run synth first`,
    );
  }
  return found.map((name) => readInput(path.join(stacksDir, name, 'cdk.tf.json'), name));
}

export function main(argv: readonly string[], io?: CliIo): Promise<number> {
  return runCommand(
    SPEC,
    argv,
    async ({ values }) => {
      const format = (values.format ?? 'text') as ReportFormat;
      if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json or sarif, not ${values.format}`);
      if (values.input && values.stacks) throw new UsageError('--input and --stacks exclude each other');
      const documents = values.input
        ? [readInput(values.input)]
        : readSynthesizedStacks(path.resolve(values.stacks ?? path.join(repoRoot(), 'cdktf.out')));
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

if (require.main === module) runMain(SPEC.name, () => main(process.argv.slice(2)));
