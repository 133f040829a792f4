/**
 * The workflows keep their security properties (actionlint checks syntax, this checks intent): actions pinned to
 * exact versions, least-privilege permissions, one deployment per environment, the deploy job in the matching
 * GitHub environment, secrets never on a command line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';

const dir = path.join(repoRoot(), '.github', 'workflows');
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

  it.each(workflows)('%s pins every action to an exact version and starts from read-only permissions', (file) => {
    const text = read(file);
    for (const m of text.matchAll(/uses:\s*(\S+)/g)) {
      const ref = m[1];
      if (ref.startsWith('./')) continue;
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@v\d+\.\d+\.\d+$/);
    }
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(text).not.toMatch(/write-all|permissions: write/);
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
    for (const line of text.split('\n').filter((l) => l.includes('${{ secrets.') && !l.includes('AWS_'))) {
      expect(line).toMatch(/^\s+(JWT_SECRET|OPEN_EXCHANGE_RATES_API|WHATSAPP_BOT_API_KEY): \$\{\{ secrets\.\1 \}\}$/);
    }
    expect(text).not.toMatch(/echo[^\n]*\$(JWT_SECRET|OPEN_EXCHANGE_RATES_API|WHATSAPP_BOT_API_KEY)/);
    expect(text).toContain('npx cdktf deploy "$STACK" --skip-synth --auto-approve --outputs-file "$OUTPUTS_FILE"');
    expect(text).toContain('CREDEX_IMAGE_TAG: ${{ steps.image.outputs.tag }}');
    expect(text).toContain('grafana/setup-k6-action@');
    expect(text).toContain('npm run -s verify -- --stack "$STACK" --outputs "$OUTPUTS_FILE"');
  });

  it('verify reaches the private Neo4j hosts through Session Manager port forwards of both spaces', () => {
    const text = read('deploy.yml');
    expect(text).toContain('--document-name AWS-StartPortForwardingSession');
    expect(text).toContain('neo4j_${space}_instance_id');
    expect(text).toContain('--neo4j-address "$NEO4J_ADDRESSES"');
    expect(text.indexOf('AWS-StartPortForwardingSession')).toBeLessThan(text.indexOf('npm run -s verify'));
  });

  it('the deploy judges its own terraform plan with the policy gate before applying', () => {
    const text = read('deploy.yml');
    const gate = text.indexOf('npm run -s policy-check -- --input "$RUNNER_TEMP/plan.json"');
    expect(text.indexOf('show -json tfplan > "$RUNNER_TEMP/plan.json"')).toBeGreaterThan(0);
    expect(gate).toBeGreaterThan(text.indexOf('plan -input=false'));
    expect(gate).toBeLessThan(text.indexOf('npx cdktf deploy'));
    expect(text).not.toMatch(/upload-artifact[\s\S]{0,200}plan\.json/);
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
