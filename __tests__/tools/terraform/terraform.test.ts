/**
 * The terraform runner's contract (tools/terraform/terraform.ts) with the real binary: bounded time, interruption,
 * one-line errors that say what is missing, an environment that never carries the caller's AWS credentials; and the
 * setup step's refusal to run CI without the provider mirror (dev/terraform/setup.sh).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { TerraformError } from '../../../tools/terraform/errors';
import { CLI_CONFIG_ENV, cliConfigFile } from '../../../tools/terraform/local-provider';
import { Terraform } from '../../../tools/terraform/terraform';
import { repoTempDir } from '../../support/bundle';

jest.setTimeout(60_000);

let scratch: string;
beforeAll(() => {
  scratch = repoTempDir();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding `files` (name -> JSON), for one test. */
function folder(name: string, files: Record<string, unknown>): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, json] of Object.entries(files)) writeFileSync(path.join(dir, file), JSON.stringify(json));
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<TerraformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TerraformError);
  return error as TerraformError;
}

test('no terraform binary: a setup error naming it, not a crash', async () => {
  const tf = new Terraform({ dir: folder('nobinary', {}), binary: 'terraform-not-installed-here' });
  const error = await failure(tf.init());
  expect(error).toMatchObject({ kind: 'setup', exitCode: 2 });
  expect(error.message).toBe('"terraform-not-installed-here" not found on PATH: install terraform >= 1.10');
});

test('no CLI configuration: a setup error that says how to get one', () => {
  const missing = path.join(scratch, 'nope.tfrc');
  expect(() => cliConfigFile({ [CLI_CONFIG_ENV]: missing })).toThrow(
    `no Terraform CLI configuration at ${missing}: run "npm run setup" (dev/terraform/setup.sh writes it)`,
  );
});

test('a missing working folder is named as such (spawn would call it a missing binary)', async () => {
  const error = await failure(new Terraform({ dir: path.join(scratch, 'gone') }).validate());
  expect(error).toMatchObject({ kind: 'input' });
  expect(error.message).toMatch(/^terraform validate: no folder .*gone$/);
});

test('a run past its bound is stopped: timeout, one line', async () => {
  // A local-exec that sleeps: terraform_data needs no provider, so this runs offline.
  const dir = folder('slow', {
    'main.tf.json': {
      resource: { terraform_data: { slow: { provisioner: [{ 'local-exec': { command: 'sleep 30' } }] } } },
    },
  });
  const tf = new Terraform({ dir, graceSeconds: 2 });
  await tf.init();
  const started = Date.now();
  const error = await failure(tf.apply({ timeoutMs: 1500 }));
  expect(error).toMatchObject({ kind: 'timeout', exitCode: 1 });
  expect(error.message).toBe(`terraform apply in ${dir}: no answer within 2 s (stopped)`);
  expect(Date.now() - started).toBeLessThan(15_000);
});

test("the caller's signal interrupts a run", async () => {
  const dir = folder('interrupted', {
    'main.tf.json': {
      resource: { terraform_data: { slow: { provisioner: [{ 'local-exec': { command: 'sleep 30' } }] } } },
    },
  });
  const stop = new AbortController();
  const tf = new Terraform({ dir, signal: stop.signal, graceSeconds: 2 });
  await tf.init();
  setTimeout(() => stop.abort(), 1000);
  const error = await failure(tf.apply());
  expect(error).toMatchObject({ kind: 'interrupted' });
  expect(error.message.split('\n')).toHaveLength(1);
});

test("terraform's error is the message: the first error diagnostic, one line", async () => {
  const dir = folder('broken', {
    'main.tf.json': { resource: { terraform_data: { x: { input: '${terraform_data.nowhere.output}' } } } },
  });
  const tf = new Terraform({ dir });
  await tf.init();
  const validation = await tf.validate();
  expect(validation.valid).toBe(false);
  const error = await failure(tf.plan());
  expect(error.kind).toBe('failed');
  expect(error.message).toMatch(/^terraform plan in .*broken: Reference to undeclared resource: /);
  expect(error.message.split('\n')).toHaveLength(1);
});

test("the run's environment holds no AWS credentials of the caller", async () => {
  const dir = folder('env', {
    'main.tf.json': {
      resource: {
        terraform_data: {
          probe: { provisioner: [{ 'local-exec': { command: 'env > seen.env' } }] },
        },
      },
    },
  });
  const saved = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = 'AKIAREALLOOKINGKEY01';
  process.env.AWS_PROFILE = 'admin';
  try {
    const tf = new Terraform({ dir, env: { EXTRA: 'given' } });
    await tf.init();
    const applied = await tf.apply();
    expect(applied.completed.map((c) => c.address)).toEqual(['terraform_data.probe']);
  } finally {
    process.env = saved;
  }
  const seen = require('node:fs').readFileSync(path.join(dir, 'seen.env'), 'utf8') as string;
  expect(seen).toContain('EXTRA=given');
  expect(seen).toContain(`TF_CLI_CONFIG_FILE=${cliConfigFile()}`);
  expect(seen).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_PROFILE/);
});

test('setup: CI off GitHub without a provider mirror is exit 2 with one line, never a silent fallback', () => {
  const r = spawnSync('bash', ['dev/terraform/setup.sh'], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', GITHUB_ACTIONS: '', CREDEX_TF_MIRROR: '', CREDEX_TF_MIRROR_SEARCH: scratch },
  });
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(
    /^terraform setup: CI without a provider mirror: none of .* holds registry\.terraform\.io\/hashicorp\/aws 5\.100\.0/,
  );
});

test('setup: a mirror named by CREDEX_TF_MIRROR that lacks the provider is refused', () => {
  const r = spawnSync('bash', ['dev/terraform/setup.sh'], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, CREDEX_TF_MIRROR: scratch },
  });
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe(
    `terraform setup: CREDEX_TF_MIRROR=${scratch} does not hold registry.terraform.io/hashicorp/aws 5.100.0 (linux_amd64)`,
  );
});
