/**
 * .github/workflows/scripts/apply-saved-plan.sh with a real Terraform (the one on PATH; pr-checks installs it) and
 * a configuration of `terraform_data` only (built into Terraform: no provider download, no network): the saved plan
 * is applied as is, and a plan made before someone else's apply is refused with one clear line and exit 3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

const script = path.join(repoRoot(), '.github', 'workflows', 'scripts', 'apply-saved-plan.sh');
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', GITHUB_ACTIONS: '' };

function tf(dir: string, ...args: string[]) {
  const flags = args[0] === 'output' ? ['-no-color'] : ['-input=false', '-no-color'];
  const run = spawnSync('terraform', [`-chdir=${dir}`, ...args, ...flags], {
    encoding: 'utf8',
    env,
  });
  if (run.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const config = (value: string) =>
  JSON.stringify({
    resource: { terraform_data: { release: { input: value } } },
    output: { release: { value: '${terraform_data.release.output}' } },
  });

(hasTerraform ? describe : describe.skip)('apply-saved-plan.sh (real Terraform, local state)', () => {
  let work: string;
  let stack: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'credex-apply-'));
    stack = path.join(work, 'stack');
    spawnSync('mkdir', ['-p', stack]);
    writeFileSync(path.join(stack, 'main.tf.json'), config('v1'));
    tf(stack, 'init');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const apply = (plan: string) => spawnSync('bash', [script, stack, plan], { cwd: work, encoding: 'utf8', env });

  it('applies exactly the saved plan: what was judged is what lands in the state', () => {
    tf(stack, 'plan', `-out=${path.join(work, 'judged.tfplan')}`);
    // the configuration changes after the plan was judged; the saved plan still applies v1, not v2
    writeFileSync(path.join(stack, 'main.tf.json'), config('v2'));
    const run = apply('judged.tfplan');
    expect(run.status).toBe(0);
    expect(JSON.parse(tf(stack, 'output', '-json')).release.value).toBe('v1');
  });

  it('refuses a plan older than the state with one clear line and exit 3, and applies nothing', () => {
    tf(stack, 'plan', `-out=${path.join(work, 'old.tfplan')}`);
    writeFileSync(path.join(stack, 'main.tf.json'), config('other'));
    tf(stack, 'apply', '-auto-approve'); // someone applied in between
    const run = apply(path.join(work, 'old.tfplan'));
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(
      `apply-saved-plan: the saved plan is stale: the state of ${stack} changed after it was planned (another apply ran in between); nothing was applied.`,
    );
    expect(JSON.parse(tf(stack, 'output', '-json')).release.value).toBe('other');
  });

  it('says where the plan is missing instead of planning', () => {
    const run = apply('missing.tfplan');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no saved plan at missing.tfplan: plan and judge first');
  });
});
