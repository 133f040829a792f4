/**
 * `npm run docs:app-contract` — writes the app contract's section of README.md from contracts/app.ts;
 * `-- --check` writes nothing and exits 1 when the README's copy is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand, runMain, type CommandSpec } from '../../lib/cli';
import { CliError, InputError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { withAppContract } from './readme';

export const SPEC = {
  name: 'docs:app-contract',
  usage: 'npm run -s docs:app-contract -- [--check]',
  description: "Writes README.md's app contract table (what credex-core reads and answers) from contracts/app.ts.",
  options: {
    check: { type: 'boolean', description: 'write nothing; exit 1 when the README section differs' },
  },
  examples: ['npm run -s docs:app-contract', 'npm run -s docs:app-contract -- --check'],
  exitCodes: [
    [ExitCode.OK, 'written, or (--check) up to date'],
    [ExitCode.FAILED, '--check: the README section is stale'],
    [ExitCode.USAGE, 'no verdict: usage error, README without the markers; one line on stderr'],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(SPEC, argv, ({ values }) => {
    const file = path.join(repoRoot(), 'README.md');
    const text = readFileSync(file, 'utf8');
    let next: string;
    try {
      next = withAppContract(text);
    } catch (err) {
      throw new InputError(`README.md: ${(err as Error).message}`);
    }
    if (values.check) {
      if (next !== text)
        throw new CliError({
          kind: 'failed',
          message: 'README.md: the app contract section is stale; run npm run docs:app-contract',
        });
      process.stdout.write('docs:app-contract: README.md is up to date\n');
      return ExitCode.OK;
    }
    if (next !== text) writeFileSync(file, next);
    process.stdout.write('docs:app-contract: README.md written\n');
    return ExitCode.OK;
  });
}

if (require.main === module) runMain(SPEC.name, () => main(process.argv.slice(2)));
