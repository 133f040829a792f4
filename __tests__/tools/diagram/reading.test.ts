/**
 * The diagrams as a reviewer reads them, judged on the drawn SVG (titles, labels, colours, text boxes), not on
 * pixels: egress leaves private subnets through their NAT gateway and the internet gateway; the VPC's own CIDR is
 * inside the VPC, not an outside node; the exposure the gate accepts (the load balancer's world-open 80/443) is drawn
 * apart from what the gate denies (red, ⚠, the rule id); each legend explains what its drawing holds and nothing
 * else; every text is whole (nothing clipped) and fits the box around it when rendered.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { VIOLATION_COLOUR } from '../../../tools/diagram/dot';
import { buildPicture } from '../../../tools/diagram/model';
import { displayName, readResources } from '../../../tools/diagram/terraform';
import type { TerraformJson } from '../../../lib/synth-output';
import { bundleForTest } from '../../support/bundle';
import { projectStack, synthProject } from '../../support/synth';
import { legendRows, overflowingTexts, parseSvg, type ParsedSvg, type SvgEdge } from './svg';

const STACKS = ['global', 'production', 'staging'] as const;
let cli: string;
const drawn = new Map<string, ParsedSvg>();
const raw = new Map<string, string>();

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });
}

/** Draws these stacks with the CLI and returns each drawing's SVG text. */
function draw(docs: Record<string, unknown>): Map<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'diagram-read-'));
  for (const [name, doc] of Object.entries(docs)) {
    mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(doc));
  }
  const out = path.join(dir, 'out');
  const run = runCli(['--stacks', dir, '--out', out]);
  if (run.status !== 0) throw new Error(`diagram failed: ${run.stderr}`);
  return new Map(Object.keys(docs).map((name) => [name, readFileSync(path.join(out, `${name}.svg`), 'utf8')]));
}

beforeAll(() => {
  cli = path.join(bundleForTest(['tools/diagram/cli.ts']), 'tools', 'diagram', 'cli.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'diagram-read-out-'));
  const run = runCli(['--stacks', synthProject().dir, '--out', dir]);
  if (run.status !== 0) throw new Error(`diagram failed: ${run.stderr}`);
  for (const name of STACKS) {
    const svg = readFileSync(path.join(dir, `${name}.svg`), 'utf8');
    raw.set(name, svg);
    drawn.set(name, parseSvg(svg));
  }
});

const copy = (name: string): any => structuredClone(projectStack(name));
const key = (doc: any, type: string, prefix: string): string =>
  Object.keys(doc.resource[type]).find((k) => k.startsWith(prefix))!;
const isRed = (e: SvgEdge): boolean => e.strokes.includes(VIOLATION_COLOUR);
const PRIVATE = /^aws_(ecs_service|instance|lambda_function)\./;

describe('egress leaves through the NAT gateway', () => {
  it.each(['staging', 'production'])('%s: private hosts -> NAT -> internet gateway -> internet', (name) => {
    const p = drawn.get(name)!;
    const fromPrivate = p.edges.filter((e) => PRIVATE.test(e.from));
    // Nothing in the private tier has an arrow straight to the internet.
    expect(fromPrivate.filter((e) => e.to === 'internet').map((e) => e.title)).toEqual([]);
    // Every host with HTTPS egress reaches a NAT gateway, labelled with the port.
    const toNat = fromPrivate.filter((e) => e.to.startsWith('aws_nat_gateway.'));
    const hosts = [...new Set(toNat.map((e) => e.from.split('.')[0]))].sort();
    expect(hosts).toEqual(['aws_ecs_service', 'aws_instance', 'aws_lambda_function']);
    for (const e of toNat) expect(e.label).toContain(':443');
    // Each NAT gateway goes on to the internet gateway, and the internet gateway to the internet.
    const nats = p.nodes.filter((n) => n.title.startsWith('aws_nat_gateway.')).map((n) => n.title);
    expect(nats.length).toBeGreaterThan(0);
    for (const nat of nats)
      expect(p.edges.some((e) => e.from === nat && e.to.startsWith('aws_internet_gateway.'))).toBe(true);
    expect(p.edges.some((e) => e.from.startsWith('aws_internet_gateway.') && e.to === 'internet')).toBe(true);
  });

  it('production: each Neo4j host uses the NAT gateway of its own zone; the service, spread over both, uses both', () => {
    const p = drawn.get('production')!;
    const natsOf = (prefix: string) =>
      p.edges.filter((e) => e.from.startsWith(prefix) && e.to.startsWith('aws_nat_gateway.')).map((e) => e.to);
    const ledger = natsOf('aws_instance.neo4j-ledgerspace');
    const search = natsOf('aws_instance.neo4j-searchspace');
    expect(ledger).toHaveLength(1);
    expect(search).toHaveLength(1);
    expect(ledger[0]).not.toBe(search[0]);
    expect(natsOf('aws_ecs_service.').sort()).toEqual([...ledger, ...search].sort());
  });

  it('a private subnet without a default route: its host gets no way out drawn, and its box says so', () => {
    const doc = copy('staging');
    delete doc.resource.aws_route[key(doc, 'aws_route', 'network_private-0-default-route')];
    const p = parseSvg(draw({ staging: doc }).get('staging')!);
    const ledger = p.nodes.find((n) => n.title.startsWith('aws_instance.neo4j-ledgerspace'))!;
    expect(p.edges.filter((e) => e.from === ledger.title && /^(aws_nat|aws_internet|internet)/.test(e.to))).toEqual([]);
    expect(ledger.texts.map((t) => t.content).join(' ')).toContain('egress :443: no default route out of its subnets');
    // The service also has a subnet in the other zone, whose route still leads to the NAT gateway.
    expect(p.edges.some((e) => e.from.startsWith('aws_ecs_service.') && e.to.startsWith('aws_nat_gateway.'))).toBe(
      true,
    );
  });
});

describe('CIDRs inside the VPC are inside', () => {
  it("staging: the VPC's own CIDR is no outside node; the load balancer says it may send :5000 within the VPC", () => {
    const p = drawn.get('staging')!;
    expect(p.nodes.filter((n) => n.title.startsWith('cidr:')).map((n) => n.title)).toEqual([]);
    const holders = p.nodes.filter((n) => n.texts.some((t) => t.content.includes('10.10.0.0/16'))).map((n) => n.title);
    expect(holders).toEqual([expect.stringMatching(/^aws_lb\./)]);
    const lb = p.nodes.find((n) => n.title.startsWith('aws_lb.'))!;
    expect(lb.texts.map((t) => t.content).join(' ')).toMatch(/egress :5000 .*10\.10\.0\.0\/16/);
  });

  it("a subnet's CIDR is an arrow from that subnet; a CIDR outside the VPC stays an outside node", () => {
    const doc = copy('staging');
    const sg = key(doc, 'aws_security_group', 'neo4j-ledgerspace');
    const publicOne = key(doc, 'aws_subnet', 'network_public-1');
    const cidr = doc.resource.aws_subnet[publicOne].cidr_block as string;
    const rule = (port: number, source: string) => ({
      description: 'test',
      from_port: port,
      to_port: port,
      ip_protocol: 'tcp',
      cidr_ipv4: source,
      security_group_id: `\${aws_security_group.${sg}.id}`,
    });
    Object.assign(doc.resource.aws_vpc_security_group_ingress_rule, {
      metrics_from_public: rule(9100, cidr),
      ssh_from_office: rule(22, '203.0.113.0/24'),
    });
    const p = parseSvg(draw({ staging: doc }).get('staging')!);
    const into = (from: string) =>
      p.edges.find((e) => e.from === from && e.to.startsWith('aws_instance.neo4j-ledgerspace'));
    expect(into(`aws_subnet.${publicOne}`)?.label).toContain(':9100');
    expect(into('cidr:203.0.113.0/24')?.label).toContain(':22');
    expect(p.nodes.filter((n) => n.title.startsWith('cidr:')).map((n) => n.title)).toEqual(['cidr:203.0.113.0/24']);
  });
});

describe('intended exposure is not drawn as a violation', () => {
  it.each(['staging', 'production'])('%s: the load balancer open to the internet on its listener ports', (name) => {
    const p = drawn.get(name)!;
    const open = p.edges.filter((e) => e.from === 'internet' && e.to.startsWith('aws_lb.'));
    expect(open).toHaveLength(1);
    expect(open[0].label).toContain(':80');
    expect(open[0].label).toMatch(/public/);
    expect(open[0].label).not.toContain('⚠');
    expect(isRed(open[0])).toBe(false);
    expect(p.edges.filter(isRed).map((e) => e.title)).toEqual([]);
    expect(p.texts.filter((t) => t.content.includes('⚠')).map((t) => t.content)).toEqual([]);
  });

  it('a world-open rule the gate denies is red with ⚠ and the rule id; the load balancer stays as it was', () => {
    const doc = copy('staging');
    const sg = key(doc, 'aws_security_group', 'neo4j-ledgerspace');
    doc.resource.aws_vpc_security_group_ingress_rule.ssh_from_anywhere = {
      description: 'test',
      from_port: 22,
      to_port: 22,
      ip_protocol: 'tcp',
      cidr_ipv4: '0.0.0.0/0',
      security_group_id: `\${aws_security_group.${sg}.id}`,
    };
    const p = parseSvg(draw({ staging: doc }).get('staging')!);
    const bad = p.edges.filter((e) => e.from === 'internet' && e.to.startsWith('aws_instance.neo4j-ledgerspace'));
    expect(bad).toHaveLength(1);
    expect(isRed(bad[0])).toBe(true);
    expect(bad[0].label).toMatch(/^⚠ .*:22.*CDX-SG-\d{3}/);
    const lb = p.edges.find((e) => e.from === 'internet' && e.to.startsWith('aws_lb.'))!;
    expect(isRed(lb)).toBe(false);
    expect(lb.label).not.toContain('⚠');
    expect(legendRows(p).some((r) => r.includes('⚠') && /gate denies/.test(r))).toBe(true);
    // The host the rule belongs to is framed red too; nothing else is.
    const framed = p.nodes.filter((n) => n.strokes.includes(VIOLATION_COLOUR)).map((n) => n.title);
    expect(framed).toEqual([expect.stringMatching(/^aws_instance\.neo4j-ledgerspace/)]);
  });

  it("a denied rule for the VPC's own range is a red ⚠ line with the rule id in the host's box", () => {
    const doc = copy('staging');
    const sg = key(doc, 'aws_security_group', 'neo4j-searchspace');
    const vpc = key(doc, 'aws_vpc', 'network_vpc');
    doc.resource.aws_vpc_security_group_ingress_rule.bolt_from_vpc = {
      description: 'test',
      from_port: 7687,
      to_port: 7687,
      ip_protocol: 'tcp',
      cidr_ipv4: `\${aws_vpc.${vpc}.cidr_block}`,
      security_group_id: `\${aws_security_group.${sg}.id}`,
    };
    const p = parseSvg(draw({ staging: doc }).get('staging')!);
    const host = p.nodes.find((n) => n.title.startsWith('aws_instance.neo4j-searchspace'))!;
    const text = host.texts.map((t) => t.content).join(' ');
    expect(text).toMatch(/⚠ ingress :7687 from the VPC 10\.10\.0\.0\/16, denied by CDX-SG-\d{3}/);
    expect(host.texts.some((t) => t.content.includes('⚠') && t.fill === VIOLATION_COLOUR)).toBe(true);
    expect(host.strokes).toContain(VIOLATION_COLOUR);
    expect(p.nodes.filter((n) => n.title.startsWith('cidr:'))).toEqual([]);
  });

  it('a world-open rule accepted under a waiver is public, not red, and names the waiver', () => {
    const doc = copy('staging');
    const sg = key(doc, 'aws_security_group', 'neo4j-ledgerspace');
    doc.resource.aws_vpc_security_group_ingress_rule.ssh_waived = {
      '//': { waivers: [{ rule: 'CDX-SG-005', reason: 'test: a reviewed exception' }] },
      description: 'test',
      from_port: 22,
      to_port: 22,
      ip_protocol: 'tcp',
      cidr_ipv4: '0.0.0.0/0',
      security_group_id: `\${aws_security_group.${sg}.id}`,
    };
    const p = parseSvg(draw({ staging: doc }).get('staging')!);
    const open = p.edges.find((e) => e.from === 'internet' && e.to.startsWith('aws_instance.neo4j-ledgerspace'))!;
    expect(open.label).toMatch(/^public :22 \(IPv4\) \(waived: CDX-SG-005\)$/);
    expect(isRed(open)).toBe(false);
    expect(p.edges.filter(isRed)).toEqual([]);
  });
});

describe('each legend explains its own drawing', () => {
  it('global: IAM relations, and nothing about security groups, egress, NAT or the internet', () => {
    const rows = legendRows(drawn.get('global')!);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => /security.group|egress|NAT|internet|world|CIDR/i.test(r))).toEqual([]);
    const iam = rows.find((r) => /IAM/.test(r));
    expect(iam).toMatch(/attached/);
    expect(iam).toMatch(/member of/);
    expect(iam).toMatch(/trusted by/);
  });

  it.each(['staging', 'production'])(
    '%s: security-group traffic, public exposure, egress and routes; no IAM, no ⚠',
    (name) => {
      const rows = legendRows(drawn.get(name)!);
      for (const pattern of [/security.group/i, /public/i, /egress/i, /NAT/, /route/i])
        expect(rows.some((r) => pattern.test(r))).toBe(true);
      expect(rows.filter((r) => /IAM|⚠/.test(r))).toEqual([]);
    },
  );
});

describe('every resource is readable', () => {
  it.each(STACKS)('%s: no text is clipped, and every text fits its box when rendered', (name) => {
    const p = drawn.get(name)!;
    expect(p.texts.filter((t) => /…|\.\.\./.test(t.content)).map((t) => t.content)).toEqual([]);
    const { overflows, checked } = overflowingTexts(p);
    expect(overflows).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it.each(STACKS)('%s: every resource listed outside the network is named in full, its dependants by kind', (name) => {
    const doc = projectStack(name) as TerraformJson;
    const p = drawn.get(name)!;
    const text = p.texts
      .map((t) => t.content)
      .join(' ')
      .replace(/\s+/g, ' ');
    const byAddress = new Map(readResources(doc).map((r) => [r.address, r]));
    const rows = buildPicture(name, doc, { denied: new Map(), waived: new Map() }).panel;
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const head = byAddress.get(row.id.replace(/^panel:/, ''))!;
      expect(text).toContain(displayName(head).replace(/\s+/g, ' '));
      for (const a of row.addresses)
        expect(text).toContain(byAddress.get(a)!.type.replace(/^aws_/, '').replace(/_/g, ' '));
    }
  });
});

it('the change drawing too: every text whole and inside its box, a CIDR reference named in full', () => {
  const doc = copy('staging');
  const sg = key(doc, 'aws_security_group', 'neo4j-ledgerspace');
  const vpc = key(doc, 'aws_vpc', 'network_vpc');
  const rule =
    doc.resource.aws_vpc_security_group_egress_rule[
      key(doc, 'aws_vpc_security_group_egress_rule', 'neo4j-ledgerspace_https-out')
    ];
  rule.cidr_ipv4 = `\${aws_vpc.${vpc}.cidr_block}`;
  doc.resource.aws_vpc_security_group_ingress_rule.ssh_from_anywhere = {
    description: 'test',
    from_port: 22,
    to_port: 22,
    ip_protocol: 'tcp',
    cidr_ipv4: '0.0.0.0/0',
    security_group_id: `\${aws_security_group.${sg}.id}`,
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'diagram-read-diff-'));
  mkdirSync(path.join(dir, 'stacks', 'staging'), { recursive: true });
  writeFileSync(path.join(dir, 'stacks', 'staging', 'cdk.tf.json'), JSON.stringify(doc));
  const base = mkdtempSync(path.join(tmpdir(), 'diagram-read-base-'));
  mkdirSync(path.join(base, 'stacks', 'staging'), { recursive: true });
  writeFileSync(path.join(base, 'stacks', 'staging', 'cdk.tf.json'), JSON.stringify(projectStack('staging')));
  const out = path.join(dir, 'out');
  const run = runCli(['--stacks', dir, '--base-stacks', base, '--out', out]);
  expect(run.stderr).toBe('');
  const md = readFileSync(path.join(out, 'changes.md'), 'utf8');
  expect(md).toContain(`CIDRs: 0.0.0.0/0 → \${aws_vpc.${vpc}.cidr_block}`);
  const p = parseSvg(readFileSync(path.join(out, 'staging.svg'), 'utf8'));
  expect(p.texts.filter((t) => /…|\.\.\./.test(t.content)).map((t) => t.content)).toEqual([]);
  const { overflows, checked } = overflowingTexts(p);
  expect(overflows).toEqual([]);
  expect(checked).toBeGreaterThan(40);
  const text = p.texts.map((t) => t.content).join(' ');
  expect(text).toContain(`\${aws_vpc.${vpc}.cidr_block}`);
  expect(text).toMatch(/⚠ :22 \(IPv4\) denied by CDX-SG-\d{3} \(added\)/);
});

it('is deterministic: drawing the same stacks twice gives the same bytes', () => {
  const again = draw({ staging: projectStack('staging') });
  expect(again.get('staging')).toBe(raw.get('staging'));
});
