/**
 * Semantics, not spellings: each rule's violating case, generated through every spelling of its resource (the
 * security-group rule shapes and default security groups, every way to write "the whole internet", every carrier
 * of an IAM document and every attachment resource, aws_alb* aliases, listener rules, secrets under every key and
 * in every carrier), judged through the compiled wasm in both input shapes. Each case must produce its rule's
 * finding; the near misses must not.
 */
import { cdktfDoc, check, planDoc, Resources } from './fixtures';
import { cdktfViaLocals } from './locals-config';
import { modulePlan } from './module-plan';

const shapes = [
  ['cdktf', (r: Resources) => cdktfDoc(r)],
  ['plan', (r: Resources) => planDoc(r)],
  // As Terraform writes a plan of new resources, two modules deep (references unknown until apply: module-relative).
  ['plan, two modules deep', (r: Resources) => modulePlan(r, ['a', 'b'])],
  // Every attribute passed through a local.
  ['cdktf, values through locals', (r: Resources) => cdktfViaLocals(r)],
] as const;

async function rulesFound(resources: Resources, only?: 'cdktf'): Promise<string[][]> {
  const out: string[][] = [];
  for (const [shape, make] of shapes) {
    if (only && shape !== only) continue;
    const report = await check(make(resources));
    out.push([...new Set(report.findings.map((f) => f.rule))].sort());
  }
  return out;
}

/** Every way this suite writes "the whole address space" (IPv4 or IPv6). */
const WORLD: Record<string, { v4: string[]; v6: string[] }> = {
  'IPv4 /0': { v4: ['0.0.0.0/0'], v6: [] },
  'IPv4 two /1s': { v4: ['0.0.0.0/1', '128.0.0.0/1'], v6: [] },
  'IPv4 /2 + /2 + /1 with a nested /8': { v4: ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1', '10.0.0.0/8'], v6: [] },
  'IPv4 /0 with host bits': { v4: ['1.2.3.4/0'], v6: [] },
  'IPv6 ::/0': { v4: [], v6: ['::/0'] },
  'IPv6 ::0/0': { v4: [], v6: ['::0/0'] },
  'IPv6 two /1s': { v4: [], v6: ['::/1', '8000::/1'] },
};

/** Sources that do not add up to the whole space. */
const NOT_WORLD: Record<string, { v4: string[]; v6: string[] }> = {
  'IPv4 /1 + /2': { v4: ['0.0.0.0/1', '128.0.0.0/2'], v6: [] },
  'IPv4 everything but one address': {
    v4: [
      '0.0.0.0/1',
      ...Array.from({ length: 31 }, (_, i) => {
        const n = i + 2; // /2 .. /32
        const ones = 32 - (33 - n); // leading ones before the block's zero bit
        const value = ones === 0 ? 0 : (0xffffffff << (32 - ones)) >>> 0;
        const ip = [24, 16, 8, 0].map((s) => (value >>> s) & 255).join('.');
        return `${ip}/${n}`;
      }),
    ],
    v6: [],
  },
  'a reference and a private block': { v4: ['${aws_vpc.main.cidr_block}', '10.0.0.0/8'], v6: [] },
};

type Shape = (port: number, v4: string[], v6: string[]) => Resources;

/** The ingress shapes: inline blocks, default SG, aws_security_group_rule, one aws_vpc_security_group_ingress_rule per CIDR. */
const SG_SHAPES: Record<string, Shape> = {
  'aws_security_group inline': (port, v4, v6) => ({
    'aws_security_group.web': {
      ingress: [{ protocol: 'tcp', from_port: port, to_port: port, cidr_blocks: v4, ipv6_cidr_blocks: v6 }],
    },
  }),
  'aws_default_security_group inline': (port, v4, v6) => ({
    'aws_default_security_group.default': {
      ingress: [{ protocol: 'tcp', from_port: port, to_port: port, cidr_blocks: v4, ipv6_cidr_blocks: v6 }],
    },
  }),
  aws_security_group_rule: (port, v4, v6) => ({
    'aws_security_group.web': {},
    'aws_security_group_rule.r': {
      type: 'ingress',
      security_group_id: '${aws_security_group.web.id}',
      protocol: 'tcp',
      from_port: port,
      to_port: port,
      cidr_blocks: v4,
      ipv6_cidr_blocks: v6,
    },
  }),
  'one aws_security_group_rule per CIDR': (port, v4, v6) => {
    const out: Resources = { 'aws_security_group.web': {} };
    [...v4, ...v6].forEach((cidr, i) => {
      out[`aws_security_group_rule.r${i}`] = {
        type: 'ingress',
        security_group_id: '${aws_security_group.web.id}',
        protocol: 'tcp',
        from_port: port,
        to_port: port,
        [cidr.includes(':') ? 'ipv6_cidr_blocks' : 'cidr_blocks']: [cidr],
      };
    });
    return out;
  },
  'one aws_vpc_security_group_ingress_rule per CIDR': (port, v4, v6) => {
    const out: Resources = { 'aws_security_group.web': {} };
    [...v4, ...v6].forEach((cidr, i) => {
      out[`aws_vpc_security_group_ingress_rule.r${i}`] = {
        security_group_id: '${aws_security_group.web.id}',
        ip_protocol: 'tcp',
        from_port: port,
        to_port: port,
        [cidr.includes(':') ? 'cidr_ipv6' : 'cidr_ipv4']: cidr,
      };
    });
    return out;
  },
};

const SG_RULES = [
  ['CDX-SG-001', 8080],
  ['CDX-SG-005', 22],
  ['CDX-SG-005', 3389],
] as const;

describe('security groups: every shape, every spelling of the whole internet', () => {
  const cases = SG_RULES.flatMap(([rule, port]) =>
    Object.keys(SG_SHAPES).flatMap((shape) => Object.keys(WORLD).map((world) => [rule, port, shape, world] as const)),
  );
  test.each(cases)('%s on port %d: %s from %s', async (rule, port, shape, world) => {
    const w = WORLD[world];
    for (const found of await rulesFound(SG_SHAPES[shape](port, w.v4, w.v6))) expect(found).toContain(rule);
  });

  const misses = Object.keys(SG_SHAPES).flatMap((shape) => Object.keys(NOT_WORLD).map((w) => [shape, w] as const));
  test.each(misses)('not world-open: %s from %s', async (shape, world) => {
    const w = NOT_WORLD[world];
    for (const found of await rulesFound(SG_SHAPES[shape](22, w.v4, w.v6))) {
      expect(found).not.toContain('CDX-SG-005');
      expect(found).not.toContain('CDX-SG-001');
    }
  });

  test('a port opened to one half by a range rule and to the other by a single-port rule is world-open', async () => {
    const resources: Resources = {
      'aws_security_group.web': {},
      'aws_vpc_security_group_ingress_rule.range': {
        security_group_id: '${aws_security_group.web.id}',
        ip_protocol: 'tcp',
        from_port: 8000,
        to_port: 9000,
        cidr_ipv4: '0.0.0.0/1',
      },
      'aws_vpc_security_group_ingress_rule.one': {
        security_group_id: '${aws_security_group.web.id}',
        ip_protocol: 'tcp',
        from_port: 8080,
        to_port: 8080,
        cidr_ipv4: '128.0.0.0/1',
      },
    };
    for (const found of await rulesFound(resources)) expect(found).toContain('CDX-SG-001');
    // The same halves on different protocols (tcp / udp) or different groups do not add up.
    const udp = structuredClone(resources);
    (udp['aws_vpc_security_group_ingress_rule.one'] as Record<string, unknown>).ip_protocol = 'udp';
    for (const found of await rulesFound(udp)) expect(found).not.toContain('CDX-SG-001');
    const apart = structuredClone(resources);
    apart['aws_security_group.other'] = {};
    (apart['aws_vpc_security_group_ingress_rule.one'] as Record<string, unknown>).security_group_id =
      '${aws_security_group.other.id}';
    for (const found of await rulesFound(apart)) expect(found).not.toContain('CDX-SG-001');
  });
});

const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const STAR = doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' });

/** Every carrier of a permissions document. */
const IAM_CARRIERS: Record<string, Resources> = {
  aws_iam_policy: { 'aws_iam_policy.p': { policy: STAR } },
  aws_iam_role_policy: { 'aws_iam_role_policy.p': { role: 'r', policy: STAR } },
  aws_iam_user_policy: { 'aws_iam_user_policy.p': { user: 'u', policy: STAR } },
  aws_iam_group_policy: { 'aws_iam_group_policy.p': { group: 'g', policy: STAR } },
  'aws_iam_role inline_policy block': {
    'aws_iam_role.r': {
      assume_role_policy: doc({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
      }),
      inline_policy: [{ name: 'inline', policy: STAR }],
    },
  },
  'aws_iam_policy_document by reference': {
    'aws_iam_role_policy.p': { role: 'r', policy: '${data.aws_iam_policy_document.d.json}' },
    'data.aws_iam_policy_document.d': { statement: [{ effect: 'Allow', actions: ['s3:*'], resources: ['*'] }] },
  },
  'Fn.jsonencode': {
    'aws_iam_policy.p': {
      policy:
        '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "s3:*", "Resource" = aws_s3_bucket.b.arn}]})}',
    },
  },
};

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** Every attachment of a managed policy, and every spelling of the admin policy's ARN. */
const ATTACHMENTS: Record<string, (arn: string) => Resources> = {
  aws_iam_role_policy_attachment: (arn) => ({ 'aws_iam_role_policy_attachment.a': { role: 'r', policy_arn: arn } }),
  aws_iam_group_policy_attachment: (arn) => ({ 'aws_iam_group_policy_attachment.a': { group: 'g', policy_arn: arn } }),
  aws_iam_user_policy_attachment: (arn) => ({ 'aws_iam_user_policy_attachment.a': { user: 'u', policy_arn: arn } }),
  'aws_iam_policy_attachment (roles)': (arn) => ({
    'aws_iam_policy_attachment.a': { name: 'a', roles: ['r'], policy_arn: arn },
  }),
  'aws_iam_role managed_policy_arns': (arn) => ({ 'aws_iam_role.r': { managed_policy_arns: [arn] } }),
  aws_iam_role_policy_attachments_exclusive: (arn) => ({
    'aws_iam_role_policy_attachments_exclusive.a': { role_name: 'r', policy_arns: [arn] },
  }),
  aws_iam_group_policy_attachments_exclusive: (arn) => ({
    'aws_iam_group_policy_attachments_exclusive.a': { group_name: 'g', policy_arns: [arn] },
  }),
};
const ADMIN_SPELLINGS: Record<string, [string, Resources]> = {
  'arn:aws:': [ADMIN, {}],
  'partition reference': ['arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess', {}],
  'data.aws_iam_policy by name': [
    '${data.aws_iam_policy.admin.arn}',
    { 'data.aws_iam_policy.admin': { name: 'AdministratorAccess' } },
  ],
};

describe('IAM: every carrier, every attachment, every ARN spelling', () => {
  test.each(Object.keys(IAM_CARRIERS))('CDX-IAM-001 in %s', async (carrier) => {
    // A plan holds the rendered JSON, never the jsonencode expression: that spelling is cdktf's only.
    const only = carrier === 'Fn.jsonencode' ? 'cdktf' : undefined;
    for (const found of await rulesFound(IAM_CARRIERS[carrier], only)) expect(found).toContain('CDX-IAM-001');
  });

  const attachments = Object.keys(ATTACHMENTS).flatMap((a) => Object.keys(ADMIN_SPELLINGS).map((s) => [a, s] as const));
  test.each(attachments)('CDX-IAM-004 through %s, ARN as %s', async (attachment, spelling) => {
    const [arn, extra] = ADMIN_SPELLINGS[spelling];
    for (const found of await rulesFound({ ...ATTACHMENTS[attachment](arn), ...extra }))
      expect(found).toContain('CDX-IAM-004');
  });

  test.each([
    [
      'aws_iam_user_policy',
      {
        'aws_iam_user_policy.u': {
          user: 'u',
          policy: doc({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
        },
      },
    ],
    [
      'aws_iam_user_policy_attachment',
      { 'aws_iam_user_policy_attachment.u': { user: 'u', policy_arn: 'arn:aws:iam::1:policy/p' } },
    ],
    [
      'aws_iam_policy_attachment users',
      { 'aws_iam_policy_attachment.a': { name: 'a', users: ['u'], policy_arn: 'arn:aws:iam::1:policy/p' } },
    ],
    [
      'aws_iam_user_policy_attachments_exclusive',
      { 'aws_iam_user_policy_attachments_exclusive.a': { user_name: 'u', policy_arns: ['arn:aws:iam::1:policy/p'] } },
    ],
  ] as [string, Resources][])('CDX-IAM-006 through %s', async (_name, resources) => {
    for (const found of await rulesFound(resources)) expect(found).toContain('CDX-IAM-006');
  });

  test('aws_iam_policy_attachment with roles and groups only is not a user policy', async () => {
    const resources = {
      'aws_iam_policy_attachment.a': { name: 'a', roles: ['r'], groups: ['g'], policy_arn: 'arn:aws:iam::1:policy/p' },
    };
    for (const found of await rulesFound(resources)) expect(found).not.toContain('CDX-IAM-006');
  });
});

describe('load balancers: aws_alb* is aws_lb*', () => {
  const https = (type: string, policy?: string) => ({
    [`${type}.https`]: {
      load_balancer_arn: 'x',
      protocol: 'HTTPS',
      port: 443,
      ...(policy ? { ssl_policy: policy } : {}),
      default_action: [{ type: 'forward', target_group_arn: 'tg' }],
    },
  });
  test.each(['aws_lb_listener', 'aws_alb_listener'])(
    'CDX-LB-004 on %s without a policy and with a TLS 1.0 one',
    async (type) => {
      for (const found of await rulesFound(https(type))) expect(found).toContain('CDX-LB-004');
      for (const found of await rulesFound(https(type, 'ELBSecurityPolicy-TLS-1-1-2017-01')))
        expect(found).toContain('CDX-LB-004');
      for (const found of await rulesFound(https(type, 'ELBSecurityPolicy-TLS13-1-2-2021-06')))
        expect(found).not.toContain('CDX-LB-004');
    },
  );
  test.each(['aws_lb', 'aws_alb'])('CDX-LB-006 on %s', async (type) => {
    for (const found of await rulesFound({ [`${type}.a`]: { internal: false } })) expect(found).toContain('CDX-LB-006');
  });
  test.each(['aws_lb_listener', 'aws_alb_listener'])(
    'CDX-LB-001 on an HTTP %s that forwards by target_group_arn',
    async (type) => {
      const resources = {
        [`${type}.http`]: { protocol: 'HTTP', port: 80, default_action: { target_group_arn: 'tg' } },
      };
      for (const found of await rulesFound(resources)) expect(found).toContain('CDX-LB-001');
    },
  );
  test.each(['aws_lb_listener_rule', 'aws_alb_listener_rule'])(
    'CDX-LB-001 on a forwarding %s of an HTTP listener',
    async (type) => {
      const resources: Resources = {
        'aws_lb_listener.http': {
          protocol: 'HTTP',
          port: 80,
          default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
        },
        [`${type}.r`]: {
          listener_arn: '${aws_lb_listener.http.arn}',
          action: [{ type: 'forward', target_group_arn: 'tg' }],
        },
      };
      for (const found of await rulesFound(resources)) expect(found).toContain('CDX-LB-001');
    },
  );
});

describe("secrets: by name (the estate's own keys too) and by value, in every carrier", () => {
  const task = (env: { name: string; value: string }[]) => ({
    'aws_ecs_task_definition.t': {
      family: 't',
      container_definitions: JSON.stringify([{ name: 'api', image: 'i', environment: env }]),
    },
  });
  const secret = (value: unknown) => ({
    'aws_secretsmanager_secret_version.v': {
      secret_id: 's',
      secret_string: typeof value === 'string' ? value : JSON.stringify(value),
    },
  });
  const lambda = (variables: Record<string, string>) => ({
    'aws_lambda_function.f': { function_name: 'f', environment: { variables } },
  });
  const host = (userData: string) => ({ 'aws_instance.h': { ami: 'a', user_data: userData } });

  test.each([
    [
      'estate secret key ledgerspacepass in a secret string',
      secret({ ledgerspaceuser: 'neo4j', ledgerspacepass: 'plain-words-here' }),
    ],
    [
      'estate variable NEO4J_SEARCH_SPACE_PASS in a container',
      task([{ name: 'NEO4J_SEARCH_SPACE_PASS', value: 'plain-words-here' }]),
    ],
    ['DB_PASSWORD in a Lambda environment', lambda({ DB_PASSWORD: 'plain-words-here' })],
  ] as [string, Resources][])('CDX-SEC-001: %s', async (_name, resources) => {
    for (const found of await rulesFound(resources)) expect(found).toContain('CDX-SEC-001');
  });

  const VALUES: Record<string, string> = {
    'an AWS access key id': 'AKIAZX9QM2LP7RT4VW8Y',
    'a private key': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    'a JSON web token': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjcmVkZXgifQ.q0ZcXv8Rk2Lm5Np7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh',
    'a GitHub token':
      '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Zx9Qm2Lp7',
    'a high-entropy token': 'Zx9Qm2Lp7Rt4Vw8Ys1Kd3Hf6Jb5Nc0Gt',
  };
  const CARRIERS: Record<string, (value: string) => Resources> = {
    'container environment (innocent name)': (v) => task([{ name: 'UPSTREAM', value: v }]),
    'Lambda environment': (v) => lambda({ UPSTREAM: v }),
    'user data': (v) => host(`#!/bin/bash\necho '${v}' > /etc/app/conf\n`),
    'secret string': (v) => secret(v),
    'JSON secret string (innocent key)': (v) => secret({ endpoint: v }),
  };
  const cases = Object.keys(VALUES).flatMap((kind) => Object.keys(CARRIERS).map((c) => [kind, c] as const));
  test.each(cases)('CDX-SEC-004: %s in %s', async (kind, carrier) => {
    for (const found of await rulesFound(CARRIERS[carrier](VALUES[kind]))) expect(found).toContain('CDX-SEC-004');
  });

  test.each([
    ['an image digest', 'sha256:0f2d1c4b5a6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c'],
    ['an ARN', 'arn:aws:secretsmanager:af-south-1:123456789012:secret:credex/production/neo4j-AbC123'],
    ['a URL', 'https://api.example.com/v1/ledger?region=af-south-1'],
    ['a hyphenated identifier', 'credex-production-ledgerspace-7687'],
  ])('no CDX-SEC-004 for %s', async (_name, value) => {
    for (const found of await rulesFound(task([{ name: 'UPSTREAM', value }])))
      expect(found).not.toContain('CDX-SEC-004');
  });
});
