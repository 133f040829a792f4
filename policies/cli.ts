/**
 * `npm run -s policy-check [-- --input FILE] [--format text|json|sarif] [--output FILE]`
 *
 * Without --input: synthesizes every stack (global, staging, production) in this process and judges each
 * cdk.tf.json. With --input: judges that Terraform JSON (cdktf config or `terraform show -json` plan).
 * Exit codes: 0 no deny finding; 1 at least one deny finding; 2 unusable input (missing file, invalid JSON,
 * not Terraform JSON, unknown option, synthesis failure) or internal error, with one line on stderr.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../lib/paths';
import { CheckDocument, checkDocuments, parseDocument } from './engine/check';
import { InputError } from './engine/errors';
import { render, ReportFormat } from './engine/report';
import { enableConstructStackTraces } from './engine/location';

const USAGE = 'usage: policy-check [--input FILE] [--format text|json|sarif] [--output FILE]';

export interface CliOptions {
  readonly input?: string;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  let input: string | undefined;
  let output: string | undefined;
  let format: ReportFormat = 'text';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      const v = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) throw new InputError(`${name} needs a value (${USAGE})`);
      return v;
    };
    switch (name) {
      case '--input':
        input = takeValue();
        break;
      case '--output':
        output = takeValue();
        break;
      case '--format': {
        const v = takeValue();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new InputError(`--format must be text, json or sarif, not ${v}`);
        format = v;
        break;
      }
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new InputError(`unknown ${arg.startsWith('-') ? 'option' : 'argument'} ${name} (${USAGE})`);
    }
  }
  return { input, format, output, help };
}

function readInput(file: string): CheckDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code;
    throw new InputError(`cannot read ${file}: ${why}`);
  }
  return parseDocument(file, text, path.resolve(file));
}

interface MainModule {
  synthesizeAll(outdir?: string): { name: string; file: string }[];
}

/** Synthesizes the project's stacks in this process (dist/main.js, built by dev/build.js). */
function synthesizeProject(): CheckDocument[] {
  enableConstructStackTraces();
  const mainFile = path.join(repoRoot(), 'dist', 'main.js');
  let stacks: { name: string; file: string }[];
  // Synthesis output must not reach stdout, which carries the report.
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    const main = createRequire(__filename)(mainFile) as MainModule;
    stacks = main.synthesizeAll(path.join(repoRoot(), 'cdktf.out'));
  } catch (err) {
    const first = String((err as Error)?.message ?? err).split('\n')[0];
    throw new InputError(`synthesis failed: ${first}`);
  } finally {
    process.stdout.write = write;
  }
  return stacks.map((s) => {
    const doc = readInput(s.file);
    return { ...doc, label: s.name };
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const documents = options.input ? [readInput(options.input)] : synthesizeProject();
  const report = await checkDocuments(documents);
  const text = render(report, options.format);
  if (options.output) {
    try {
      writeFileSync(options.output, text);
    } catch (err) {
      throw new InputError(`cannot write ${options.output}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  } else {
    process.stdout.write(text);
  }
  return report.summary.passed ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof InputError ? err.message : `internal error: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
      process.stderr.write(`policy-check: ${message}\n`);
      process.exitCode = 2;
    },
  );
}
