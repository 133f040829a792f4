/** The shared command-line convention (lib/cli.ts) and error family (lib/errors.ts), unit by unit. */
import { formatError, parseCommandLine, renderHelp, runCommand, type CommandSpec } from '../../lib/cli';
import { CliError, InputError, toCliError, UsageError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { AmiError, EXIT } from '../../tools/ami/errors';
import { StepFailure } from '../../verify/errors';
import { IamPolicyError } from '../../tools/iam/generate';

const SPEC = {
  name: 'demo',
  usage: 'demo [options]',
  description: 'A demonstration.',
  options: {
    input: { type: 'string', value: 'FILE', description: 'the input' },
    tag: { type: 'string', multiple: true, description: 'a tag' },
    json: { type: 'boolean', description: 'JSON output' },
    long: { type: 'string', value: 'A-VERY-LONG-PLACEHOLDER|ANOTHER', description: 'first line\nsecond line' },
    secret: { type: 'string', hidden: true, description: 'not listed' },
  },
  examples: ['demo --input x.json'],
  exitCodes: [
    [ExitCode.OK, 'fine'],
    [ExitCode.FAILED, 'a check failed'],
    [ExitCode.USAGE, 'no verdict'],
  ],
} as const satisfies CommandSpec;

function usageErrorOf(argv: string[]): CliError {
  try {
    parseCommandLine(SPEC, argv);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  test('values, inline values, repeatable options and flags', () => {
    expect(parseCommandLine(SPEC, ['--input', 'a.json', '--tag=x', '--tag', 'y', '--json'])).toEqual({
      values: { input: 'a.json', tag: ['x', 'y'], json: true },
      positionals: [],
      positionalIndexes: [],
      help: false,
      version: false,
    });
    expect(parseCommandLine(SPEC, ['--input=--odd']).values.input).toBe('--odd'); // inline: taken as given
    expect(parseCommandLine(SPEC, ['--input', '-']).values.input).toBe('-');
  });

  test.each([
    [['--verbose'], 'unknown option --verbose'],
    [['--verbose=3'], 'unknown option --verbose'],
    [['-x'], 'unknown option -x'],
    [['--input'], '--input needs a value'],
    [['--input='], '--input needs a value'],
    [['--input', '--json'], '--input needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['stray'], 'unexpected argument "stray"'],
  ])('%j is a usage error: %s', (argv, message) => {
    const e = usageErrorOf(argv);
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toMatchObject({ kind: 'usage', exitCode: 2, message });
  });

  test('--help and -h win over anything else; --version likewise', () => {
    expect(parseCommandLine(SPEC, ['--bogus', '--help'])).toMatchObject({ help: true, version: false });
    expect(parseCommandLine(SPEC, ['-h'])).toMatchObject({ help: true });
    expect(parseCommandLine(SPEC, ['--version'])).toMatchObject({ help: false, version: true });
  });

  test('a command that defines --version itself keeps it (ami bake --version X.Y.Z)', () => {
    const spec = {
      ...SPEC,
      options: { version: { type: 'string', value: 'X.Y.Z', description: 'Neo4j version' } },
    } as const satisfies CommandSpec;
    expect(parseCommandLine(spec, ['--version', '5.26.19'])).toMatchObject({
      values: { version: '5.26.19' },
      version: false,
    });
    expect(renderHelp(spec)).not.toContain('print the version');
  });

  test('positional arguments only where the command declares them', () => {
    const spec = { ...SPEC, arguments: [['<stack>', 'the stack']] } as const satisfies CommandSpec;
    expect(parseCommandLine(spec, ['staging', '--json', '--', '--not-an-option']).positionals).toEqual([
      'staging',
      '--not-an-option',
    ]);
  });
});

describe('renderHelp', () => {
  test('usage, description, options (help and version included, hidden ones left out), examples, exit codes', () => {
    expect(renderHelp(SPEC)).toBe(
      [
        'usage: demo [options]',
        '',
        'A demonstration.',
        '',
        'options:',
        '  --input FILE                  the input',
        '  --tag VALUE                   a tag (repeatable)',
        '  --json                        JSON output',
        '  --long A-VERY-LONG-PLACEHOLDER|ANOTHER',
        '                                first line',
        '                                second line',
        '  -h, --help                    print this help and exit 0',
        '  --version                     print the version and exit 0',
        '',
        'examples:',
        '  demo --input x.json',
        '',
        'exit codes:',
        '  0  fine',
        '  1  a check failed',
        '  2  no verdict',
      ].join('\n'),
    );
  });
});

describe('runCommand and formatError', () => {
  const io = () => {
    const out = { stdout: [] as string[], stderr: [] as string[] };
    return { out, io: { stdout: (l: string) => out.stdout.push(l), stderr: (l: string) => out.stderr.push(l) } };
  };

  test('--help and --version answer without running the command', async () => {
    const a = io();
    const body = jest.fn(() => 0);
    expect(await runCommand(SPEC, ['--help'], body, a.io)).toBe(0);
    expect(a.out.stdout).toEqual([renderHelp(SPEC)]);
    expect(await runCommand(SPEC, ['--version'], body, a.io)).toBe(0);
    expect(a.out.stdout[1]).toMatch(/^demo \d+\.\d+\.\d+/);
    expect(body).not.toHaveBeenCalled();
  });

  test.each([
    ['a usage error', new UsageError('unknown option --x'), 2, 'demo: unknown option --x (see --help)'],
    ['an input error', new InputError('cannot read a.json: no such file'), 2, 'demo: cannot read a.json: no such file'],
    ['a failed operation', new CliError({ kind: 'failed', message: 'files differ' }), 1, 'demo: files differ'],
    [
      'an AMI error with its own code',
      new AmiError({ kind: 'unreachable', message: 'cannot reach the EC2 API' }),
      3,
      'demo: cannot reach the EC2 API',
    ],
    [
      'anything else: an internal error',
      new TypeError('x is undefined\n    at f (file.ts:1:1)'),
      2,
      'demo: internal error: x is undefined',
    ],
    ['a thrown string', 'oops', 2, 'demo: internal error: oops'],
    ['a message written for the CLI already', new InputError('demo: no stacks'), 2, 'demo: no stacks'],
  ])('%s: one line and its exit code', async (_what, thrown, code, line) => {
    const a = io();
    expect(
      await runCommand(
        SPEC,
        [],
        () => {
          throw thrown;
        },
        a.io,
      ),
    ).toBe(code);
    expect(a.out.stderr).toEqual([line]);
    expect(formatError('demo', thrown)).toBe(line);
  });
});

describe('one error family, the kind a field', () => {
  test('defaults: usage, input and internal exit 2; any other kind exits 1', () => {
    expect(new UsageError('u')).toMatchObject({ kind: 'usage', exitCode: 2, name: 'UsageError' });
    expect(new InputError('i')).toMatchObject({ kind: 'input', exitCode: 2, name: 'InputError' });
    expect(toCliError(new Error('boom'))).toMatchObject({ kind: 'internal', exitCode: 2, message: 'boom' });
    expect(new CliError({ kind: 'failed', message: 'f' })).toMatchObject({ kind: 'failed', exitCode: 1 });
  });

  test('verify, the AMI command and the IAM generator throw members of it', () => {
    expect(new IamPolicyError('iam:policy: x')).toMatchObject({ kind: 'input', exitCode: 2 });
    expect(new IamPolicyError('x')).toBeInstanceOf(CliError);
    expect(new StepFailure({ kind: 'auth', detail: 'bad password' })).toMatchObject({
      kind: 'auth',
      exitCode: 1,
      message: 'auth failure: bad password',
    });
    expect(new StepFailure({ kind: 'auth', detail: 'x' })).toBeInstanceOf(CliError);
  });

  test.each([
    [{ kind: 'failed' as const, message: 'm' }, 'failed', EXIT.FAILED],
    [{ kind: 'timeout' as const, message: 'm' }, 'timeout', EXIT.FAILED],
    [{ kind: 'unreachable' as const, message: 'm' }, 'unreachable', EXIT.UNREACHABLE],
    [{ kind: 'base-image-missing' as const, message: 'm' }, 'base-image-missing', EXIT.BASE_IMAGE_MISSING],
  ])('AmiError %j: kind %s, exit %i', (options, kind, exitCode) => {
    expect(new AmiError(options)).toMatchObject({ kind, exitCode });
  });

  test('an AmiError carries the HTTP status of the answer behind it', () => {
    expect(new AmiError({ kind: 'failed', message: 'm', httpStatus: 503 })).toMatchObject({
      kind: 'failed',
      exitCode: 1,
      httpStatus: 503,
    });
  });
});
