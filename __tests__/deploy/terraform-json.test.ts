/**
 * What Terraform itself reads from the synthesized JSON: every stack declares `required_version` (S3-native
 * locking needs >= 1.10) and its providers as `hashicorp/<name>` at exact versions. pr-checks runs
 * `terraform init -backend=false` and `terraform validate` per stack on GitHub's runners (the registry is reachable
 * there); here, without network, `terraform providers` on a backend-less copy shows how Terraform resolves them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TERRAFORM_REQUIRED_VERSION } from '../../constructs/stack-base';
import { repoRoot } from '../../lib/paths';
import { synthProject } from '../support/synth';

const STACKS = ['global', 'staging', 'production'];
const workflow = (name: string) => readFileSync(path.join(repoRoot(), '.github', 'workflows', name), 'utf8');
const terraformOnPath = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

/** Whether version x.y.z satisfies ">= a.b.c, < d.e.f" (the only form the stacks use). */
function satisfies(version: string, constraint: string): boolean {
  const num = (v: string) => v.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => a.reduce((r, x, i) => r || x - b[i], 0);
  return constraint.split(',').every((part) => {
    const m = /^\s*(>=|<)\s*(\d+\.\d+\.\d+)\s*$/.exec(part);
    if (!m) throw new Error(`unexpected constraint ${part}`);
    const c = cmp(num(version), num(m[2]));
    return m[1] === '>=' ? c >= 0 : c < 0;
  });
}

describe('synthesized stacks as Terraform reads them', () => {
  const synth = synthProject();

  it.each(STACKS)('%s declares required_version and hashicorp/<name> providers at exact versions', (name) => {
    const tf = synth.stacks[name].terraform;
    expect(tf.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
    const providers = Object.entries<{ source: string; version: string }>(tf.required_providers);
    expect(providers.length).toBeGreaterThan(0);
    for (const [provider, req] of providers) {
      expect(req).toEqual({ source: `hashicorp/${provider}`, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
  });

  it('the Terraform the workflows install satisfies required_version', () => {
    for (const file of ['deploy.yml', 'pr-checks.yml']) {
      const version = /TERRAFORM_VERSION: (\d+\.\d+\.\d+)/.exec(workflow(file))?.[1];
      expect(version).toBeDefined();
      expect(satisfies(version!, TERRAFORM_REQUIRED_VERSION)).toBe(true);
    }
    expect(satisfies('1.9.8', TERRAFORM_REQUIRED_VERSION)).toBe(false);
  });

  (terraformOnPath ? it : it.skip).each(STACKS)('terraform resolves the providers of %s as written', (name) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'credex-tf-'));
    try {
      const json = structuredClone(synth.stacks[name]) as any;
      delete json.terraform.backend; // `providers` would want an initialised backend
      writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
      const run = spawnSync('terraform', ['providers', '-no-color'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      });
      expect(run.status).toBe(0);
      for (const [provider, req] of Object.entries<{ version: string }>(json.terraform.required_providers)) {
        expect(run.stdout).toContain(`provider[registry.terraform.io/hashicorp/${provider}] ${req.version}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
