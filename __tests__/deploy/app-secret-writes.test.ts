/**
 * The deploy workflow writes exactly the app secret's keys of the app contract (contracts/app.ts APP_SECRET_KEYS):
 * the key list it gives the script, the GitHub secrets each writing step maps, and what the script really writes
 * (run with bash; `aws` is a stand-in on PATH that keeps the file it is given, jq is the real one).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APP_SECRET_KEYS, RETIRED_APP_SECRET_KEYS } from '../../contracts/app';
import { repoRoot } from '../../lib/paths';

const workflow = readFileSync(path.join(repoRoot(), '.github', 'workflows', 'deploy.yml'), 'utf8');
const script = path.join(repoRoot(), '.github', 'workflows', 'scripts', 'put-app-secret.sh');

/** The `env:` block of every step whose run calls put-app-secret.sh, as { NAME: value }. */
function writingStepsEnv(text: string): Record<string, string>[] {
  const steps = text.split(/\n(?=\s+- (?:name|uses|id):)/);
  return steps
    .filter((s) => s.includes('put-app-secret.sh'))
    .map((s) => {
      const env = /\n(\s+)env:\n((?:\1\s+\S[^\n]*\n)+)/.exec(s);
      if (!env) return {};
      return Object.fromEntries(
        env[2]
          .trimEnd()
          .split('\n')
          .map((line) => /^\s+([A-Z0-9_]+): (.*)$/.exec(line))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1], m[2]]),
      );
    });
}

describe('the app secret the deploy workflow writes', () => {
  test('the contract holds CLIENT_API_KEY and no longer WHATSAPP_BOT_API_KEY', () => {
    expect(APP_SECRET_KEYS).toContain('CLIENT_API_KEY');
    expect(APP_SECRET_KEYS).not.toContain('WHATSAPP_BOT_API_KEY');
    expect(RETIRED_APP_SECRET_KEYS.map((k) => k.name)).toEqual(['WHATSAPP_BOT_API_KEY']);
  });

  test("deploy.yml's APP_SECRET_KEYS is the contract's list", () => {
    const m = /^ {2}APP_SECRET_KEYS: (.+)$/m.exec(workflow);
    expect(m?.[1].trim().split(/\s+/).sort()).toEqual([...APP_SECRET_KEYS].sort());
  });

  test('every step that writes the app secret maps exactly those GitHub secrets', () => {
    const steps = writingStepsEnv(workflow);
    expect(steps).toHaveLength(2); // every deploy, and the first deploy's deferred write
    for (const env of steps) {
      const secrets = Object.entries(env).filter(([, v]) => v.startsWith('${{ secrets.'));
      expect(Object.fromEntries(secrets)).toEqual(
        Object.fromEntries(APP_SECRET_KEYS.map((k) => [k, `\${{ secrets.${k} }}`])),
      );
    }
    for (const retired of RETIRED_APP_SECRET_KEYS) expect(workflow).not.toContain(retired.name);
  });

  test('the reader of the steps sees a step that forgot a key (the check above can fail)', () => {
    const forgot = workflow.replace(/\n\s+CLIENT_API_KEY: \$\{\{ secrets\.CLIENT_API_KEY \}\}/, '');
    const secrets = writingStepsEnv(forgot).map((env) => Object.keys(env).filter((k) => k !== 'GITHUB_ENVIRONMENT'));
    expect(secrets.some((keys) => !keys.includes('CLIENT_API_KEY'))).toBe(true);
  });

  describe('put-app-secret.sh, run', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'put-app-secret-'));
    const written = path.join(dir, 'written.json');
    // Stand-in for the AWS CLI: a secret without versions (describe-secret), keeps the file given as
    // --secret-string file://... and answers a version id (put-secret-value). The real CLI against moto:
    // app-secret-versions.test.ts.
    writeFileSync(
      path.join(dir, 'aws'),
      '#!/usr/bin/env bash\n[ "$2" = describe-secret ] && { echo null; exit 0; }\nfor a in "$@"; do case "$a" in file://*) cp "${a#file://}" "$WRITTEN";; esac; done\necho v-1\n',
    );
    chmodSync(path.join(dir, 'aws'), 0o755);
    const run = (env: Record<string, string>) =>
      spawnSync('bash', [script, 'credex-core/staging/app'], {
        encoding: 'utf8',
        env: { PATH: `${dir}${path.delimiter}${process.env.PATH}`, WRITTEN: written, RUNNER_TEMP: dir, ...env },
      });
    const values = Object.fromEntries(APP_SECRET_KEYS.map((k, i) => [k, `value-${i}-"quoted"`]));

    test("writes one JSON object with exactly the contract's keys and their values", () => {
      const r = run({ APP_SECRET_KEYS: APP_SECRET_KEYS.join(' '), ...values, WHATSAPP_BOT_API_KEY: 'old' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(readFileSync(written, 'utf8'))).toEqual(values);
      expect(r.stdout).not.toContain('value-');
    });

    test('an empty value stops it with one line naming the key, before anything is written', () => {
      const r = run({ APP_SECRET_KEYS: APP_SECRET_KEYS.join(' '), ...values, CLIENT_API_KEY: '' });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('put-app-secret: CLIENT_API_KEY is empty');
    });

    test('without the key list it refuses', () => {
      const r = run({ ...values });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('APP_SECRET_KEYS');
    });
  });
});
