/**
 * npm run diagram: the pictures are drawn from the synthesized JSON (placement, arrows, exposure judged by the gate, the
 * panel for kinds nobody wrote code for), the committed SVGs do not drift, every SVG renders to a non-blank PNG of
 * its declared size, and a security-group rule changed in a copy of the config shows in the change drawing and table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { diffResources } from '../../../tools/diagram/diff';
import { PUBLIC_COLOUR, STATUS_COLOUR, VIOLATION_COLOUR } from '../../../tools/diagram/dot';
import { judgeStack, type GateVerdict } from '../../../tools/diagram/gate';
import { buildPicture, drawnAddresses, type Picture } from '../../../tools/diagram/model';
import { readResources } from '../../../tools/diagram/terraform';
import type { TerraformJson } from '../../../lib/synth-output';
import { bundleForTest } from '../../support/bundle';
import { projectStack, synthProject } from '../../support/synth';
import { declaredSize, look } from './png';

const STACKS = ['global', 'production', 'staging'];
let cli: string;

beforeAll(() => {
  cli = path.join(bundleForTest(['tools/diagram/cli.ts']), 'tools', 'diagram', 'cli.js');
});

function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
  });
}

/** A stacks folder in the cdktf.out layout holding these documents. */
function stacksDir(docs: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'diagram-stacks-'));
  for (const [name, doc] of Object.entries(docs)) {
    mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(doc));
  }
  return dir;
}

const copy = (name: string): any => structuredClone(projectStack(name));
const node = (p: Picture, prefix: string) => p.nodes.find((n) => n.id.startsWith(prefix));
const cluster = (p: Picture, id: string) => p.clusters.find((c) => c.id === id);

describe('the picture of a stack', () => {
  const verdicts = new Map<string, GateVerdict>();
  let picture: Picture;
  beforeAll(async () => {
    for (const name of STACKS) verdicts.set(name, await judgeStack(name, projectStack(name) as TerraformJson));
    picture = buildPicture('staging', projectStack('staging') as TerraformJson, verdicts.get('staging')!);
  });

  it('places the load balancer and NAT in the public tier, the service and the Neo4j hosts in the private tier', () => {
    const tierOf = (prefix: string): string => {
      let c = cluster(picture, node(picture, prefix)!.cluster);
      while (c && c.kind !== 'tier') c = cluster(picture, c.parent);
      return c?.label ?? 'none';
    };
    expect(tierOf('aws_lb.')).toBe('public tier');
    expect(tierOf('aws_nat_gateway.')).toBe('public tier');
    expect(tierOf('aws_ecs_service.')).toBe('private tier');
    expect(tierOf('aws_instance.neo4j-ledgerspace')).toBe('private tier');
    expect(tierOf('aws_instance.neo4j-searchspace')).toBe('private tier');
    // One subnet per zone and tier, each its own cluster labelled with the zone.
    expect(picture.clusters.filter((c) => c.kind === 'subnet').map((c) => c.label)).toEqual([
      'public af-south-1a',
      'public af-south-1b',
      'private af-south-1a',
      'private af-south-1b',
    ]);
    // The two hosts sit in different zones' subnets.
    expect(node(picture, 'aws_instance.neo4j-ledgerspace')!.cluster).not.toBe(
      node(picture, 'aws_instance.neo4j-searchspace')!.cluster,
    );
  });

  it('draws security-group relations as arrows with ports, and the world-open ingress the gate accepts as public', () => {
    const edge = (from: string, to: string, kind = 'traffic') =>
      picture.edges.find((e) => e.from.startsWith(from) && e.to.startsWith(to) && e.kind === kind);
    expect(edge('aws_lb.', 'aws_ecs_service.')?.items).toEqual([':5000']);
    expect(edge('aws_ecs_service.', 'aws_instance.neo4j-ledgerspace')?.items).toEqual([':7687']);
    expect(edge('aws_ecs_service.', 'aws_instance.neo4j-searchspace')?.items).toEqual([':7687']);
    const world = edge('internet', 'aws_lb.', 'public');
    expect(world?.items).toEqual([':80 IPv4', ':80 IPv6']);
    expect(world?.rules).toEqual([]);
    expect(picture.edges.filter((e) => e.kind === 'public')).toHaveLength(1);
    expect(picture.edges.filter((e) => e.kind === 'violation')).toHaveLength(0);
  });

  it.each(STACKS)('%s: every resource is drawn by exactly one element', (name) => {
    const doc = projectStack(name) as TerraformJson;
    const p = buildPicture(name, doc, verdicts.get(name)!);
    const drawn = drawnAddresses(p);
    const managed = readResources(doc).filter((r) => r.mode === 'managed');
    expect(managed.filter((r) => !drawn.has(r.address)).map((r) => r.address)).toEqual([]);
    const all = [...p.clusters, ...p.nodes, ...p.edges, ...p.panel].flatMap((e) => e.addresses);
    expect(all.length).toBe(new Set(all).size);
  });

  it('lists secrets, alarms and the AMI pipeline in the side panel by name', () => {
    const text = (category: string) =>
      picture.panel.filter((r) => r.category === category).map((r) => `${r.kind}: ${r.name} ${r.note ?? ''}`);
    expect(text('Secrets').join('\n')).toContain('neo4j_stage_secrets');
    expect(text('Alarms').join('\n')).toContain('credex-staging-alb-5xx');
    expect(text('AMI pipeline').join('\n')).toContain('runs "npm run -s ami -- bake" again when');
  });

  it('shows resources of kinds it has no code for: KMS key, WAF, CloudTrail in the panel, a Lambda in its subnets', async () => {
    const doc = copy('staging');
    const subnet = Object.keys(doc.resource.aws_subnet).find((k) => k.startsWith('network_private-0'));
    doc.resource.aws_kms_key = {
      secrets_key: { description: 'credex staging secrets key', enable_key_rotation: true },
    };
    doc.resource.aws_kms_alias = {
      secrets_alias: { name: 'alias/credex-staging', target_key_id: '${aws_kms_key.secrets_key.key_id}' },
    };
    doc.resource.aws_wafv2_web_acl = { acl: { name: 'credex-staging-waf', scope: 'REGIONAL' } };
    doc.resource.aws_cloudtrail = { trail: { name: 'credex-staging-trail', s3_bucket_name: 'x' } };
    doc.resource.aws_lambda_function = {
      rotation: {
        function_name: 'credex-staging-rotation',
        vpc_config: { subnet_ids: [`\${aws_subnet.${subnet}.id}`], security_group_ids: [] },
      },
    };
    const p = buildPicture('staging', doc, await judgeStack('staging', doc));
    const rows = p.panel.map(
      (r) => `${r.category}: ${r.kind}: ${r.name}${r.with.length ? ` + ${r.with.join(', ')}` : ''}`,
    );
    expect(rows).toContain('Keys: kms key: credex staging secrets key + kms alias');
    expect(rows.some((r) => r.includes('credex-staging-waf'))).toBe(true);
    expect(rows.some((r) => r.includes('credex-staging-trail'))).toBe(true);
    const lambda = node(p, 'aws_lambda_function.rotation')!;
    expect(lambda.cluster).toBe(`aws_subnet.${subnet}|cluster`);
  });
});

describe('the committed diagrams', () => {
  it('docs/diagrams equals a fresh drawing of the stacks (run npm run diagram when this fails)', () => {
    const run = runCli(['--check', '--stacks', synthProject().dir]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('docs/diagrams is up to date');
    expect(run.status).toBe(0);
  });

  it('--check goes red when a stack changes without redrawing', () => {
    const doc = copy('staging');
    const rules = doc.resource.aws_vpc_security_group_ingress_rule;
    const id = Object.keys(rules).find((k) => k.startsWith('api_from-load-balancer'))!;
    rules[id].from_port = rules[id].to_port = 5001;
    const dir = stacksDir({ global: copy('global'), production: copy('production'), staging: doc });
    const run = runCli(['--check', '--stacks', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^diagram: (docs\/diagrams\/\w+\.svg, )*docs\/diagrams\/staging\.svg(, docs\/diagrams\/\w+\.svg)* differ from the stacks; run npm run diagram and commit$/,
    );
  });

  it('renders every diagram to a PNG of the declared size that is not blank, public exposure in blue, nothing red', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'diagram-out-'));
    const run = runCli(['--stacks', synthProject().dir, '--out', out]);
    expect(run.status).toBe(0);
    for (const name of STACKS) {
      const svg = readFileSync(path.join(out, `${name}.svg`), 'utf8');
      const png = look(svg);
      writeFileSync(path.join(out, `${name}.png`), png.png);
      expect({ width: png.width, height: png.height }).toEqual(declaredSize(svg));
      expect(png.width).toBeGreaterThan(800);
      expect(png.height).toBeGreaterThan(600);
      expect(png.inked).toBeGreaterThan(0.03);
      if (name !== 'global') expect(png.count(PUBLIC_COLOUR)).toBeGreaterThan(200);
      expect(png.count(VIOLATION_COLOUR)).toBe(0);
    }
  });
});

describe('what a change does to the estate', () => {
  const base = projectStack('staging') as TerraformJson;
  // A copy of staging's synthesized JSON with one security-group rule changed: the port the load balancer may reach.
  const head = structuredClone(base) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const rules = head.resource.aws_vpc_security_group_ingress_rule;
  const ruleId = Object.keys(rules).find((id) => id.startsWith('api_from-load-balancer'))!;
  rules[ruleId] = { ...rules[ruleId], from_port: 5001, to_port: 5001 };

  it('the change table names the rule and its ports', () => {
    const changes = diffResources(base, head as TerraformJson);
    const rule = changes.find((c) =>
      c.address.startsWith('aws_vpc_security_group_ingress_rule.api_from-load-balancer'),
    );
    expect(rule).toEqual({
      address: expect.any(String),
      change: 'changed',
      what: 'ports: from_port 5000 → 5001, to_port 5000 → 5001',
    });
    expect(changes.every((c) => c.change === 'changed')).toBe(true);
  });

  it('the change drawing shows the arrow in the changed colour and the table, rendered', () => {
    const baseDir = stacksDir({ staging: base });
    const headDir = stacksDir({ staging: head });
    const out = mkdtempSync(path.join(tmpdir(), 'diagram-diff-'));
    const summary = path.join(out, 'summary.md');
    const run = runCli(['--stacks', headDir, '--base-stacks', baseDir, '--out', out], { GITHUB_STEP_SUMMARY: summary });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const md = readFileSync(path.join(out, 'changes.md'), 'utf8');
    expect(md).toMatch(
      /\| `aws_vpc_security_group_ingress_rule\.api_from-load-balancer_[0-9A-F]+` \| changed \| ports: from_port 5000 → 5001, to_port 5000 → 5001 \|/,
    );
    expect(readFileSync(summary, 'utf8')).toBe(`${md}\n`);
    const svg = readFileSync(path.join(out, 'staging.svg'), 'utf8');
    expect(svg).toContain(':5001 (changed)');
    expect(svg).toContain(`stroke="${STATUS_COLOUR.changed}"`);
    expect(svg).toContain('from_port 5000 → 5001');
    const png = look(svg);
    expect({ width: png.width, height: png.height }).toEqual(declaredSize(svg));
    expect(png.count(STATUS_COLOUR.changed)).toBeGreaterThan(100);
    writeFileSync(path.join(out, 'staging.png'), png.png);
  });

  it('no change: no drawing, a table that says so', () => {
    const dir = stacksDir({ staging: base });
    const out = mkdtempSync(path.join(tmpdir(), 'diagram-same-'));
    const run = runCli(['--stacks', dir, '--base-stacks', dir, '--out', out]);
    expect(run.status).toBe(0);
    expect(existsSync(path.join(out, 'staging.svg'))).toBe(false);
    expect(readFileSync(path.join(out, 'changes.md'), 'utf8')).toContain('No resource is added, removed or changed');
  });

  it('--base REF synthesizes the ref in a temporary worktree and removes it', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'diagram-ref-'));
    const run = runCli(['--stacks', synthProject().dir, '--base', 'HEAD', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/against HEAD \([0-9a-f]{12}\)/);
    expect(readFileSync(path.join(out, 'changes.md'), 'utf8')).toMatch(/^## Estate changes against HEAD/);
    const worktrees = spawnSync('git', ['worktree', 'list'], { cwd: repoRoot(), encoding: 'utf8' }).stdout;
    expect(worktrees).not.toContain('credex-diagram-base-');
  });

  it('usage errors are one line with exit 2', () => {
    const bad = runCli(['--base', 'no-such-ref-xyz']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^diagram: --base no-such-ref-xyz: not a commit/);
    const both = runCli(['--base', 'HEAD', '--base-stacks', 'x']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give one of --base, --base-dir, --base-stacks');
    expect(runCli(['--help']).stdout).toContain('exit codes:');
  });
});
