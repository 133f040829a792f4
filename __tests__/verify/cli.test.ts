/** The CLI contract, on the bundled CLI as `npm run verify` runs it (esbuild bundle, node): exit codes and output. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deployAndVerify, planPaths, STALE_PLAN_EXIT, type DeployIo } from '../../verify/deploy-and-verify';
import { defaultOutputsPath } from '../../verify/outputs';
import { bundleForTest } from '../support/bundle';
import { freePort } from '../support/ports';
import { send, startHttpServer, type TestHttpServer } from '../support/http-server';

const root = path.resolve(__dirname, '../..');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
let outdir: string;
let CLI: string;
let DEPLOY: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled CLI; one that has not ended after `killAfterMs` is killed (SIGKILL: a spin ignores SIGTERM). */
function run(
  script: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; killAfterMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-warnings', script, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, CI: 'true', GITHUB_STEP_SUMMARY: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 50_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

let healthy: TestHttpServer;
let down: TestHttpServer;

beforeAll(async () => {
  outdir = bundleForTest(['verify/cli.ts', 'verify/deploy-and-verify.ts']);
  CLI = path.join(outdir, 'verify', 'cli.js');
  DEPLOY = path.join(outdir, 'verify', 'deploy-and-verify.js');
  healthy = await startHttpServer((req, res) =>
    req.url === '/health' ? send(res, 200, { status: 'healthy' }) : send(res, 404, 'no'),
  );
  down = await startHttpServer((_req, res) => send(res, 503, 'maintenance'));
});
afterAll(async () => {
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all([healthy?.close(), down?.close()]);
});

describe('verify CLI', () => {
  test('--only api-health --api-url URL --timeout 10: exit 0, plain progress lines, report in ./verify-report', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'verify-cli-'));
    const summary = path.join(cwd, 'summary.md');
    writeFileSync(summary, '');
    const r = await run(CLI, ['--only', 'api-health', '--api-url', healthy.url, '--timeout', '10'], {
      cwd,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('… api-health running');
    expect(lines[1]).toMatch(
      new RegExp(`^✔ api-health +passed +\\d+ ms  GET ${healthy.url}/health -> 200 in \\d+ ms$`),
    );
    expect(lines[2]).toBe('verify: PASSED (1 step) — report verify-report/report.md');
    expect(r.stdout).not.toContain('\x1b[');
    const report = JSON.parse(readFileSync(path.join(cwd, 'verify-report', 'report.json'), 'utf8'));
    expect(report.passed).toBe(true);
    expect(report.steps.find((s: { step: string }) => s.step === 'api-health').figures.status).toBe(200);
    expect(readFileSync(summary, 'utf8')).toContain('| api-health | ✅ passed |');
  });

  test('an unhealthy API: exit 1 with the named failure', async () => {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'verify-cli-'));
    const r = await run(CLI, [
      '--only',
      'api-health',
      '--api-url',
      down.url,
      '--timeout',
      '2',
      '--report-dir',
      reportDir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `timeout: API health GET ${down.url}/health — last answer HTTP 503 maintenance (gave up after 2 s)`,
    );
    expect(r.stdout).toMatch(/verify: FAILED \(api-health\) — report /);
    expect(existsSync(path.join(reportDir, 'report.md'))).toBe(true);
  });

  test('nothing listening: exit 1, refused', async () => {
    const port = await freePort();
    const r = await run(CLI, [
      '--only',
      'api-health',
      '--api-url',
      `http://127.0.0.1:${port}`,
      '--timeout',
      '1',
      '--report-dir',
      mkdtempSync(path.join(tmpdir(), 'v-')),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused/unreachable: API health GET');
  });

  test.each([
    [
      ['--only', 'api-healthz', '--api-url', 'http://127.0.0.1:1'],
      'verify: --only: unknown step "api-healthz" (known: outputs, ecs-stable, target-health, dns, api-health, neo4j, secret-age, smoke, load, rate-limit)',
    ],
    [['--stack', 'qa'], 'verify: unknown stack "qa" (known: staging, production)'],
    [['--timeout', 'soon'], 'verify: --timeout: needs a positive number of seconds, got "soon"'],
    [['--api-url'], 'verify: --api-url needs a value'],
    [['--bogus'], 'verify: unknown option --bogus'],
    [
      ['--neo4j-address', 'graphspace=127.0.0.1:17687'],
      'verify: --neo4j-address: expected SPACE=HOST:PORT with SPACE one of ledgerspace, searchspace, got "graphspace=127.0.0.1:17687"',
    ],
    [['--neo4j-address', 'ledgerspace=127.0.0.1'], 'verify: --neo4j-address: expected SPACE=HOST:PORT'],
    [
      ['--only', 'ecs-stable'],
      'verify: the selected steps need the stack outputs: pass --stack NAME or --outputs FILE',
    ],
    [
      ['--only', 'smoke', '--api-url', 'http://127.0.0.1:1'],
      "verify: step smoke reads the environment's config: pass --stack NAME (or --skip smoke)",
    ],
    [
      ['--stack', 'staging', '--outputs', '/nonexistent/outputs.json'],
      'verify: outputs file not found: /nonexistent/outputs.json',
    ],
    [
      ['--stack', 'staging', '--load-engine', 'k6', '--api-url', 'http://127.0.0.1:1', '--only', 'load'],
      'verify: --load-engine k6: k6 is not on PATH',
    ],
  ])('usage/configuration error %j: exit 2, one line, no stack trace', async (args, message) => {
    const r = await run(CLI, args, { env: { PATH: path.dirname(process.execPath) } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(message)).toBe(true);
  });

  describe('the report folder is made and proved writable before any step runs', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'verify-report-dir-'));
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, '');
    symlinkSync(path.join(scratch, 'nowhere'), path.join(scratch, 'dangling'));
    const cases: [string, string, RegExp][] = [
      ['under a file', path.join(file, 'report'), /a part of the path is a file, not a folder \(ENOTDIR\)$/],
      ['a file itself', file, /it exists and is not a folder \(EEXIST\)$/],
      // Node's recursive mkdir spins for ever on these two (a parent that exists but cannot hold the child).
      ['below a dangling link', path.join(scratch, 'dangling', 'report'), /a parent cannot hold folders .*\(ENOENT\)$/],
      ...(existsSync('/proc/self')
        ? ([['under /proc', '/proc/x', /a parent cannot hold folders .*\(ENOENT\)$/]] as [string, string, RegExp][])
        : []),
    ];
    test.each(cases)('%s: exit 2 at once, one line, no step run', async (_what, dir, reason) => {
      // A slow answering API: had the step run, the run would take 5 s; a spin would be killed after 20 s.
      const r = await run(CLI, ['--only', 'api-health', '--api-url', down.url, '--timeout', '5', '--report-dir', dir], {
        killAfterMs: 20_000,
      });
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(reason)]);
      expect(r.stderr).toMatch(
        new RegExp(`^verify: --report-dir ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write there: `),
      );
      expect(r.code).toBe(2);
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  });

  test('--help: exit 0 with the options, examples and exit codes', async () => {
    const r = await run(CLI, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run -s verify -- /);
    for (const flag of [
      '--stack',
      '--outputs',
      '--only',
      '--skip',
      '--api-url',
      '--timeout',
      '--endpoint-url',
      '--load-engine',
      '--report-dir',
      '--neo4j-address',
      '--version',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('examples:');
    for (const code of ['0', '1', '2', '130']) expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
  });

  test('--version prints the package version', async () => {
    const r = await run(CLI, ['--version']);
    expect(r).toEqual({ code: 0, stdout: `verify ${version}\n`, stderr: '' });
  });

  test('a usage error says where to look: one line ending "(see --help)"', async () => {
    const r = await run(CLI, ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('verify: unknown option --bogus (see --help)\n');
  });

  test('SIGTERM while a step waits: exit 130, one line', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--only',
        'api-health',
        '--api-url',
        `http://127.0.0.1:${port}`,
        '--timeout',
        '30',
        '--report-dir',
        mkdtempSync(path.join(tmpdir(), 'v-')),
      ],
      {
        cwd: root,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve())); // the step has started
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(stderr).toBe('verify: interrupted by SIGTERM\n');
    expect(stdout).toContain('api-health running');
  });
});

describe('deploy-and-verify (argument handling; no terraform here, so the deploy itself is not run)', () => {
  function io(deployExit: number) {
    const calls: { run: string[][]; verify: string[][]; err: string[] } = { run: [], verify: [], err: [] };
    const value: DeployIo = {
      stdout: () => undefined,
      stderr: (l) => calls.err.push(l),
      run: async (command, args) => {
        calls.run.push([command, ...args]);
        return deployExit;
      },
      verify: async (argv) => {
        calls.verify.push([...argv]);
        return 0;
      },
    };
    return { io: value, calls };
  }

  test('one saved plan: synth, init, plan, the gate on that plan, apply of that plan, outputs, then verify', async () => {
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(['staging', '--yes', '--skip', 'load'], deps)).toBe(0);
    const file = defaultOutputsPath('staging');
    const { stackDir, plan, planJson } = planPaths('staging');
    expect(calls.run.map((c) => c.join(' '))).toEqual([
      'sh -c tag=$(PROMOTE_FROM="$3" bash "$1" "$4" "$2" "${CREDEX_IMAGE_TAG:-}") && CREDEX_IMAGE_TAG="$tag" npm run -s synth sh .github/workflows/scripts/resolve-image-tag.sh staging  credex-core',
      `bash .github/workflows/scripts/provider-locks.sh use staging ${stackDir}`,
      `terraform -chdir=${stackDir} init -input=false -lockfile=readonly`,
      `terraform -chdir=${stackDir} plan -input=false -out=${plan}`,
      `sh -c umask 077 && terraform -chdir="$1" show -json "$2" > "$3" sh ${stackDir} ${plan} ${planJson}`,
      `npm run -s policy-check -- --input ${planJson}`,
      `bash .github/workflows/scripts/apply-saved-plan.sh ${stackDir} ${plan}`,
      `sh -c umask 077 && terraform -chdir="$1" output -json > "$2" sh ${stackDir} ${file}`,
    ]);
    expect(calls.run.filter((c) => c.includes('plan') && c[0] === 'terraform')).toHaveLength(1);
    expect(calls.run.flat().join(' ')).not.toMatch(/cdktf deploy|auto-approve/);
    expect(calls.verify).toEqual([['--stack', 'staging', '--outputs', file, '--skip', 'load']]);
  });

  test('a deny finding of the gate stops before apply; a stale plan says so; both exit 1 without verify', async () => {
    const gate: DeployIo = { ...io(0).io, run: async (_command, args) => (args.includes('policy-check') ? 1 : 0) };
    const errors: string[] = [];
    expect(await deployAndVerify(['production', '--yes'], { ...gate, stderr: (l) => errors.push(l) })).toBe(1);
    expect(errors).toEqual([
      'deploy-and-verify: the policy gate judged the plan of production (exit 1); nothing applied',
    ]);

    const { io: stale, calls } = io(0);
    const run: DeployIo['run'] = async (command, args) =>
      args.some((a) => a.endsWith('apply-saved-plan.sh')) ? STALE_PLAN_EXIT : stale.run(command, args);
    expect(await deployAndVerify(['production', '--yes'], { ...stale, run })).toBe(1);
    expect(calls.err).toEqual([
      'deploy-and-verify: the saved plan of production is stale (another apply changed the state after it was planned); nothing applied: run again to plan and judge afresh',
    ]);
    expect(calls.verify).toEqual([]);
  });

  test('at a terminal it asks before applying; declined applies nothing; no terminal and no --yes is a usage error', async () => {
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(['staging'], { ...deps, confirm: async () => false })).toBe(1);
    expect(calls.run.some((c) => c.some((a) => a.endsWith('apply-saved-plan.sh')))).toBe(false);
    expect(calls.err[0]).toMatch(/^deploy-and-verify: not applied \(declined\)/);
    const { io: noTty, calls: c2 } = io(0);
    expect(await deployAndVerify(['staging'], noTty)).toBe(2);
    expect(c2.run).toEqual([]);
  });

  test('a failed step exits 1 and does not verify', async () => {
    const { io: deps, calls } = io(3);
    expect(await deployAndVerify(['production', '--yes'], deps)).toBe(1);
    expect(calls.verify).toEqual([]);
    expect(calls.err).toEqual(['deploy-and-verify: image tag and synth of production failed (exit 3); verify not run']);
    // production's image must have run on staging first (config promoteImageFrom), as in CI
    expect(calls.run[0].slice(-3)).toEqual(['production', 'staging', 'credex-core']);
  });

  test('global: the same saved, gated plan with no image step and no verify (issue 20 day 1)', async () => {
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(['global', '--yes'], deps)).toBe(0);
    const { stackDir, plan, planJson } = planPaths('global');
    expect(calls.run.map((c) => c.join(' '))).toEqual([
      'npm run -s synth',
      `bash .github/workflows/scripts/provider-locks.sh use global ${stackDir}`,
      `terraform -chdir=${stackDir} init -input=false -lockfile=readonly`,
      `terraform -chdir=${stackDir} plan -input=false -out=${plan}`,
      `sh -c umask 077 && terraform -chdir="$1" show -json "$2" > "$3" sh ${stackDir} ${plan} ${planJson}`,
      `npm run -s policy-check -- --input ${planJson}`,
      `bash .github/workflows/scripts/apply-saved-plan.sh ${stackDir} ${plan}`,
      `sh -c umask 077 && terraform -chdir="$1" output -json > "$2" sh ${stackDir} ${defaultOutputsPath('global')}`,
    ]);
    expect(calls.verify).toEqual([]);
    const { io: withOptions, calls: c2 } = io(0);
    expect(await deployAndVerify(['global', '--yes', '--skip', 'load'], withOptions)).toBe(2);
    expect(c2.run).toEqual([]);
  });

  test('options may come before the stack: --yes staging is staging --yes', async () => {
    for (const argv of [
      ['--yes', 'staging', '--skip', 'load'],
      ['--skip', 'load', '--yes', 'staging'],
      ['--skip', 'load', 'staging', '--yes'],
    ]) {
      const { io: deps, calls } = io(0);
      expect(await deployAndVerify(argv, deps)).toBe(0);
      expect(calls.run).toHaveLength(8);
      expect(calls.verify).toEqual([
        ['--stack', 'staging', '--outputs', defaultOutputsPath('staging'), '--skip', 'load'],
      ]);
    }
  });

  test('a report folder that cannot be written is refused before anything is deployed', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dav-')), 'a-file');
    writeFileSync(file, '');
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(['staging', '--yes', '--report-dir', path.join(file, 'r')], deps)).toBe(2);
    expect(calls.run).toEqual([]);
    expect(calls.err).toEqual([
      expect.stringMatching(/^deploy-and-verify: --report-dir .*: cannot write there: a part of the path is a file/),
    ]);
  });

  test.each([
    [[], 'name the stack to deploy'],
    [['--skip', 'load'], 'name the stack to deploy'],
    [['qa'], 'unknown stack "qa"'],
    [['staging', '--only', 'nope'], 'unknown step "nope"'],
    [['staging', '--outputs', 'x.json'], '--stack and --outputs are set by deploy-and-verify itself'],
    [['staging', '--bogus'], 'unknown option --bogus'],
    [['staging', 'production'], 'one stack at a time'],
  ])('usage error %j: exit 2 before anything is deployed', async (argv, message) => {
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(argv, deps)).toBe(2);
    expect(calls.run).toEqual([]);
    expect(calls.err).toHaveLength(1);
    expect(calls.err[0]).toContain(message);
  });

  test('the bundled entry point: no stack -> exit 2, one line', async () => {
    const r = await run(DEPLOY, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'deploy-and-verify: name the stack to deploy, e.g. deploy-and-verify staging --skip load (see --help)\n',
    );
  });

  test('--help (also after the stack): exit 0, nothing deployed, the verify options and exit codes listed', async () => {
    for (const argv of [['--help'], ['staging', '--help']]) {
      const r = await run(DEPLOY, argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^usage: npm run deploy-and-verify -- <stack> \[--yes\] \[verify options\]/);
      expect(r.stdout).toContain('How it differs from CI (deploy.yml)');
      expect(r.stdout).toContain('terraform apply of exactly that plan');
      expect(r.stdout).toContain('--skip STEP,...');
      expect(r.stdout).not.toContain('--outputs FILE'); // set by deploy-and-verify itself
      for (const code of ['0', '1', '2', '130']) expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    }
    const { io: deps, calls } = io(0);
    expect(await deployAndVerify(['staging', '--help'], deps)).toBe(0);
    expect(calls.run).toEqual([]);
  });

  test('--version prints the package version', async () => {
    expect(await run(DEPLOY, ['--version'])).toEqual({ code: 0, stdout: `deploy-and-verify ${version}\n`, stderr: '' });
  });
});

describe('deploy-and-verify interrupted', () => {
  test('SIGTERM is passed on to the running command (so terraform can release its lock), then exit 130', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dav-interrupt-'));
    const marker = path.join(dir, 'marker');
    // A stand-in for the first step's `npm run -s synth` (global's: an environment's first resolves its image tag
    // first): says it started, then waits; records the signal it gets.
    writeFileSync(
      path.join(dir, 'npm'),
      `#!/bin/sh\ntrap 'echo got-TERM >> "${marker}"; exit 143' TERM\necho started >> "${marker}"\nwhile :; do sleep 0.1; done\n`,
      { mode: 0o755 },
    );
    const child = spawn(process.execPath, [DEPLOY, 'global', '--yes'], {
      cwd: dir,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!(existsSync(marker) && readFileSync(marker, 'utf8').includes('started')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(readFileSync(marker, 'utf8')).toBe('started\ngot-TERM\n');
    expect(stderr).toContain('deploy-and-verify: interrupted by SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
});
