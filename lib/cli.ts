/**
 * The command-line convention of every command (policy-check, verify, deploy-and-verify, ami, iam:policy, bench):
 * - options parsed with node:util parseArgs, from a spec that also renders the help;
 * - `--help` / `-h` prints usage, options, examples and exit codes, exit 0; `--version` prints the package version;
 * - every failure is one line `<command>: <message>` on stderr (no stack trace) and exits with the error's exitCode
 *   (lib/errors.ts; anything not in the family is an internal error, exit 2);
 * - SIGINT/SIGTERM exit 130 (lib/exit-codes.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { toCliError, oneLine, UsageError } from './errors';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { repoRoot } from './paths';
import { redactText } from './redact';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable; the values come as an array. */
  readonly multiple?: boolean;
  /** One-letter alias. */
  readonly short?: string;
  /** Placeholder of the value in the help, e.g. FILE. */
  readonly value?: string;
  /** Help text; may hold line breaks. */
  readonly description: string;
  /** Accepted but not listed in the help. */
  readonly hidden?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** As it starts every error line: `policy-check`, `ami bake`. */
  readonly name: string;
  /** Usage lines, without "usage: ". */
  readonly usage: string | readonly string[];
  readonly description: string;
  /**
   * Positional arguments, documented: [name, description]. Without it, a positional argument is a usage error; with
   * it (even empty) the command checks them itself.
   */
  readonly arguments?: readonly (readonly [string, string])[];
  readonly subcommands?: readonly (readonly [string, string])[];
  readonly options: O;
  readonly examples: readonly string[];
  readonly exitCodes: readonly (readonly [ExitCodeValue, string])[];
}

type ValueOf<S extends OptionSpec> = S extends { multiple: true }
  ? string[]
  : S extends { type: 'boolean' }
    ? boolean
    : string;
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

export interface CommandLine<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  /** Where each positional argument is in argv (so a command can pass the rest of argv on without them). */
  readonly positionalIndexes: readonly number[];
  /** --help or -h was given (only when the command does not define those names itself). */
  readonly help: boolean;
  /** --version was given (only when the command does not define --version itself, as `ami bake` does). */
  readonly version: boolean;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'print this help and exit 0' };
const VERSION: OptionSpec = { type: 'boolean', description: 'print the version and exit 0' };

/** The command's options plus --help and --version, unless it defines those names itself. */
function withBuiltins(options: OptionSpecs): OptionSpecs {
  return {
    ...options,
    ...('help' in options ? {} : { help: HELP }),
    ...('version' in options ? {} : { version: VERSION }),
  };
}

/**
 * Parses `argv` against the spec. Unknown options, missing values, values given to flags and (for commands without
 * `arguments`) positional arguments are UsageErrors with the same wording in every command.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  const options = withBuiltins(spec.options);
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  // Not strict: the tokens are checked below, so the messages are ours, one line, the same in every command.
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const given = new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
  const builtin = (name: 'help' | 'version') => !(name in spec.options) && given.has(name);
  if (builtin('help') || builtin('version'))
    return {
      values: {},
      positionals: [],
      positionalIndexes: [],
      help: builtin('help'),
      version: !builtin('help') && builtin('version'),
    };

  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const positionalIndexes: number[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!spec.arguments) throw new UsageError(`unexpected argument "${token.value}"`);
      positionals.push(token.value);
      positionalIndexes.push(token.index);
      continue;
    }
    const option = spec.options[token.name];
    if (!option) throw new UsageError(`unknown option ${token.rawName}`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    // parseArgs takes the next word as the value whatever it is; `--input --format json` lacks the input's value.
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--')))
      throw new UsageError(`${token.rawName} needs a value`);
    if (option.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    else values[token.name] = value;
  }
  return { values: values as OptionValues<O>, positionals, positionalIndexes, help: false, version: false };
}

/** Two columns: the label, then the text (indented on its own lines when the label is long). */
function table(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.min(Math.max(0, ...rows.map(([label]) => label.length)) + 2, 30);
  const out: string[] = [];
  for (const [label, text] of rows) {
    const [first, ...rest] = text.split('\n');
    if (label.length + 2 > width) out.push(`${indent}${label}`, `${indent}${' '.repeat(width)}${first}`);
    else out.push(`${indent}${label.padEnd(width)}${first}`);
    for (const line of rest) out.push(`${indent}${' '.repeat(width)}${line}`);
  }
  return out;
}

function optionLabel(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

/** The --help text: usage, description, subcommands, arguments, options, examples, exit codes. */
export function renderHelp(spec: CommandSpec): string {
  const usage = typeof spec.usage === 'string' ? [spec.usage] : spec.usage;
  const lines = [`usage: ${usage[0]}`, ...usage.slice(1).map((u) => `       ${u}`), '', spec.description];
  if (spec.subcommands?.length) lines.push('', 'subcommands:', ...table(spec.subcommands));
  if (spec.arguments?.length) lines.push('', 'arguments:', ...table(spec.arguments));
  const options = Object.entries(withBuiltins(spec.options)).filter(([, o]) => !o.hidden);
  lines.push(
    '',
    'options:',
    ...table(
      options.map(([name, o]) => [optionLabel(name, o), o.multiple ? `${o.description} (repeatable)` : o.description]),
    ),
  );
  if (spec.examples.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  lines.push('', 'exit codes:', ...table(spec.exitCodes.map(([code, text]) => [String(code), text])));
  return lines.join('\n');
}

let version: string | undefined;

/** The version in package.json (the same from the sources and from the bundles in dist/). */
export function packageVersion(): string {
  version ??= String(
    (JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version,
  );
  return version;
}

/** The one line an error prints: `<command>: <message>`; the kind's words come from the kind, not the message. */
export function formatError(command: string, err: unknown): string {
  const e = toCliError(err);
  let text = redactText(oneLine(e.message)); // a URL's credentials never reach stderr
  if (text.startsWith(`${command}: `)) text = text.slice(command.length + 2); // messages written for the CLI already
  const words = e.kind === 'internal' ? 'internal error: ' : '';
  const hint = e.kind === 'usage' ? ' (see --help)' : '';
  return `${command}: ${words}${text}${hint}`;
}

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

export const processIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Parses the command line, answers --help and --version, runs `body`, and turns anything it throws into the one-line
 * error and its exit code. Resolves with the exit code; never rejects.
 */
export async function runCommand<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  body: (line: CommandLine<O>) => Promise<number> | number,
  io: CliIo = processIo,
): Promise<number> {
  try {
    const line = parseCommandLine(spec, argv);
    if (line.help) {
      io.stdout(renderHelp(spec));
      return ExitCode.OK;
    }
    if (line.version) {
      io.stdout(`${spec.name} ${packageVersion()}`);
      return ExitCode.OK;
    }
    return await body(line);
  } catch (err) {
    io.stderr(formatError(spec.name, err));
    return toCliError(err).exitCode;
  }
}

export interface MainOptions {
  /**
   * Work to do on SIGINT/SIGTERM before exiting 130 (e.g. terminate a builder); it prints its own line.
   * @default - print `<command>: interrupted by <signal>`
   */
  readonly onInterrupt?: (signal: NodeJS.Signals) => Promise<void> | void;
}

/**
 * The entry point of a bundled command: runs `run`, then exits with its code once stdout is flushed (idle sockets,
 * e.g. fetch keep-alive or Bolt, must not hold the process open). SIGINT/SIGTERM exit 130.
 */
export function runMain(command: string, run: () => Promise<number>, options: MainOptions = {}): void {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      const exit = () => process.exit(ExitCode.INTERRUPTED);
      if (!options.onInterrupt) {
        process.stderr.write(`${command}: interrupted by ${signal}\n`);
        return exit();
      }
      void Promise.resolve()
        .then(() => options.onInterrupt!(signal))
        .catch(() => undefined)
        .then(exit);
    });
  }
  run()
    .catch((err: unknown) => {
      process.stderr.write(`${formatError(command, err)}\n`);
      return toCliError(err).exitCode;
    })
    .then((code) => {
      if (!interrupted) process.stdout.write('', () => process.exit(code)); // else the signal handler exits 130
    });
}
