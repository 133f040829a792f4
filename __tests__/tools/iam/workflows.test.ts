/**
 * The workflows keep their security properties (actionlint and zizmor check syntax and known patterns, this checks
 * intent): actions pinned to full commit SHAs with their version in a comment, no `${{ }}` inside `run:` scripts,
 * downloads pinned and checksum-verified, Node 22+, least-privilege permissions, one deployment per environment, the
 * deploy job in the matching GitHub environment, secrets never on a command line, one saved plan judged and applied.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { APP_SECRET_KEYS } from '../../../contracts/app';
import { repoRoot } from '../../../lib/paths';

const dir = path.join(repoRoot(), '.github', 'workflows');
const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { engines: { node: string } };

/** The text of every `run:` script of a workflow (block scalars with their lines, or the one-line form). */
function runScripts(text: string): string[] {
  const lines = text.split('\n');
  const scripts: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:- )?run: ?(.*)$/.exec(line);
    if (!m) return;
    if (!/^[|>]/.test(m[2])) {
      scripts.push(m[2]);
      return;
    }
    const indent = m[1].length + (line.trimStart().startsWith('- ') ? 2 : 0);
    const body: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== '' && next.length - next.trimStart().length <= indent) break;
      body.push(next);
    }
    scripts.push(body.join('\n').trimEnd());
  });
  return scripts;
}
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const workflows = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('workflows', () => {
  it('exist: pr-checks, deploy-staging, deploy-production, neo4j-version-check', () => {
    expect(workflows).toEqual(
      expect.arrayContaining([
        'pr-checks.yml',
        'deploy-staging.yml',
        'deploy-production.yml',
        'neo4j-version-check.yml',
      ]),
    );
  });

  it.each(workflows)('%s pins every action to a full commit SHA and starts from read-only permissions', (file) => {
    const text = read(file);
    for (const m of text.matchAll(/uses:\s*(.+)$/gm)) {
      const ref = m[1];
      if (ref.startsWith('./')) continue;
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(text).not.toMatch(/write-all|permissions: write/);
  });

  it.each(workflows)('%s expands no ${{ }} inside run: scripts (values reach scripts through env:)', (file) => {
    expect(runScripts(read(file)).filter((script) => script.includes('${{'))).toEqual([]);
  });

  it('the run-script reader finds an expansion inside run: (the seed deploy.yml had one)', () => {
    const seed = 'steps:\n  - run: |\n      echo "${{ inputs.environment }}"\n  - env:\n      X: ${{ inputs.x }}\n';
    expect(runScripts(seed)).toEqual(['      echo "${{ inputs.environment }}"']);
  });

  it.each(workflows)('%s runs on Node 22 (the floor: package.json engines, .nvmrc) or 24', (file) => {
    const versions = [...read(file).matchAll(/node-version: (\S+)/g)].map((m) => m[1]);
    for (const v of versions) expect(['22', '24']).toContain(v);
    if (versions.length > 0) expect(versions).toContain('22');
    expect(pkg.engines.node).toBe('>=22');
    expect(readFileSync(path.join(repoRoot(), '.nvmrc'), 'utf8')).toBe('22\n');
  });

  it.each(workflows)('%s downloads nothing unpinned or unverified', (file) => {
    const text = read(file);
    expect(text).not.toMatch(/\/latest\//);
    for (const script of runScripts(text).filter((r) => /curl|wget/.test(r))) {
      expect(script).toMatch(/sha256sum --check --strict/);
    }
    if (file === 'deploy.yml') {
      expect(text).toMatch(/K6_VERSION: \d+\.\d+\.\d+\n/);
      expect(text).toMatch(/K6_SHA256: [0-9a-f]{64}\n/);
    }
  });

  it.each([
    ['deploy-staging.yml', 'stage', 'staging'],
    ['deploy-production.yml', 'prod', 'production'],
  ])('%s deploys on push to %s in environment %s, one at a time', (file, branch, env) => {
    const text = read(file);
    expect(text).toContain(`branches: [${branch}]`);
    expect(text).toContain(`group: deploy-${env}`);
    expect(text).toContain('cancel-in-progress: false');
    expect(text).toContain(`environment: ${env}`);
    expect(text).toContain(`stack: ${env}`);
    expect(text).toContain('id-token: write');
  });

  it('the reusable deploy job uses OIDC with a keys fallback, passes secrets only through env, and verifies', () => {
    const text = read('deploy.yml');
    expect(text).toContain('role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(text).toContain('aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}');
    const keys = APP_SECRET_KEYS.join('|');
    for (const line of text.split('\n').filter((l) => l.includes('${{ secrets.') && !l.includes('AWS_'))) {
      expect(line).toMatch(new RegExp(`^\\s+(${keys}): \\$\\{\\{ secrets\\.\\1 \\}\\}$`));
    }
    expect(text).not.toMatch(new RegExp(`echo[^\\n]*\\$(${keys})`));
    expect(text).toContain('terraform -chdir="$STACK_DIR" output -json > "$OUTPUTS_FILE"');
    expect(text).toContain('CREDEX_IMAGE_TAG: ${{ steps.image.outputs.tag }}');
    expect(text).toContain('npm run -s verify -- --stack "$STACK" --outputs "$OUTPUTS_FILE"');
    expect(text).toContain('role-duration-seconds:');
    expect(text).not.toMatch(/^\s*secrets: inherit/m);
    for (const caller of ['deploy-staging.yml', 'deploy-production.yml'])
      expect(read(caller)).not.toMatch(/^\s*secrets: inherit/m);
  });

  it('verify reaches the private Neo4j hosts through Session Manager port forwards of both spaces', () => {
    const text = read('deploy.yml');
    expect(text).toContain('--document-name AWS-StartPortForwardingSession');
    expect(text).toContain('neo4j_${space}_instance_id');
    expect(text).toContain('--neo4j-address "$NEO4J_ADDRESSES"');
    expect(text.indexOf('AWS-StartPortForwardingSession')).toBeLessThan(text.indexOf('npm run -s verify'));
  });

  it('the deploy marks the image it runs as deployed to its environment before it applies (issue 17, item j)', () => {
    const text = read('deploy.yml');
    const mark = text.indexOf('scripts/tag-deployed-image.sh "$ECR_REPOSITORY" "$TAG" "$STACK"');
    expect(mark).toBeGreaterThan(0);
    expect(mark).toBeLessThan(text.indexOf('apply-saved-plan.sh'));
  });

  it('the deploy saves ONE plan, judges exactly that file and applies exactly that file', () => {
    const text = read('deploy.yml');
    const scripts = runScripts(text).join('\n');
    const planFile = '"$RUNNER_TEMP/deploy.tfplan"';
    // one plan, one show of that plan, one gate, one apply of that plan; nothing else plans or deploys
    expect(scripts.match(/\bterraform\b[^\n]* plan [^\n]*/g)).toEqual([expect.stringContaining(`-out=${planFile}`)]);
    expect(scripts).toContain(`show -json ${planFile} > "$RUNNER_TEMP/plan.json"`);
    const gate = scripts.indexOf('npm run -s policy-check -- --input "$RUNNER_TEMP/plan.json"');
    const apply = scripts.indexOf(`bash .github/workflows/scripts/apply-saved-plan.sh "$STACK_DIR" ${planFile}`);
    expect(gate).toBeGreaterThan(scripts.indexOf(`-out=${planFile}`));
    expect(apply).toBeGreaterThan(gate);
    expect(scripts).not.toMatch(/cdktf deploy|terraform[^\n]* apply (?!-input=false -no-color "\$plan")|-auto-approve/);
    expect(text).not.toMatch(/upload-artifact[\s\S]{0,200}(plan\.json|tfplan)/);
  });

  it('a workflow that plans twice (the seed: plan, then cdktf deploy) is caught by the check above', () => {
    const seed =
      '      - run: |\n          terraform plan -out=tfplan\n      - run: npx cdktf deploy "$STACK" --auto-approve\n';
    expect(runScripts(seed).join('\n')).toMatch(/cdktf deploy|-auto-approve/);
  });

  it('pr-checks also runs on pushes to the default branch, may read actions, and has Terraform validate every stack', () => {
    const text = read('pr-checks.yml');
    expect(text).toMatch(/^on:\n {2}pull_request:\n {2}push:/m);
    expect(text).toContain(
      "if: github.event_name == 'pull_request' || github.ref_name == github.event.repository.default_branch",
    );
    expect(text).toContain('actions: read');
    expect(text).toContain('terraform -chdir="$dir" init -backend=false');
    expect(text).toContain('terraform -chdir="$dir" validate');
    expect(text).toMatch(/for dir in cdktf\.out\/stacks\/\*\/; do/);
    expect(text).toContain('category: credex-policy-check');
  });

  it('pr-checks uploads the policy gate as SARIF and the synthesized JSON', () => {
    const text = read('pr-checks.yml');
    expect(text).toContain('npm run -s policy-check -- --format sarif --output policy.sarif');
    expect(text).toContain('github/codeql-action/upload-sarif@');
    expect(text).toContain('security-events: write');
    expect(text).toContain('cdktf.out/stacks/*/cdk.tf.json');
    for (const step of ['npm ci', 'npm run setup', 'npm run lint', 'npm run typecheck', 'npm test', 'npx cdktf synth'])
      expect(text).toContain(`run: ${step}`);
  });

  it('the Neo4j check treats exit 10 as "update available" and any other non-zero as a failure', () => {
    const text = read('neo4j-version-check.yml');
    expect(text).toContain('check-version --version "$version" --json');
    expect(text).toMatch(/ 10\)\n/);
    expect(text).toMatch(/\*\)\n\s+echo "::error::/);
    expect(text).toContain('issues: write');
    expect(text).toMatch(/schedule:\n\s+- cron:/);
  });
});
