/** The bundled policy-check CLI (and main.js) with a scratch folder for its inputs, built once per test file. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { bundleForTest } from './bundle';

export interface RunOptions {
  /** Run with --enable-source-maps, as `npm run policy-check` does. @default false */
  readonly sourceMaps?: boolean;
  /** @default 120000 */
  readonly timeoutMs?: number;
}

/** Registers beforeAll/afterAll in the calling test file: the bundle is built before its tests and removed after. */
export function policyCliFixture(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  let bundled = '';
  beforeAll(() => {
    bundled = bundleForTest(['policies/cli.ts', 'main.ts']);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundled, { recursive: true, force: true });
  });
  return {
    /** The scratch folder for inputs and reports. */
    dir,
    /** The folder holding the bundles (policies/cli.js, main.js). */
    bundled: () => bundled,
    /** Writes `content` (JSON unless a string) to `name` under dir; returns its path. */
    write(name: string, content: unknown): string {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
    /** Runs the bundled CLI from the repository root. */
    run(args: readonly string[], options: RunOptions = {}) {
      const cli = path.join(bundled, 'policies', 'cli.js');
      const r = spawnSync(process.execPath, [...(options.sourceMaps ? ['--enable-source-maps'] : []), cli, ...args], {
        cwd: repoRoot(),
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
