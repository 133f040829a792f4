/**
 * Semantics, not spellings: each rule's violating case, generated through every spelling of its resource (the
 * security-group rule shapes and default security groups, every way to write "the whole internet", every carrier
 * of an IAM document and every attachment resource, aws_alb* aliases, listener rules, secrets under every key and
 * in every carrier), judged through the compiled wasm in both input shapes. Each case must produce its rule's
 * finding; the near misses must not. Then issue 18's classes: resource policies in every carrier (NotPrincipal,
 * conditions by what they restrict), protocols, booleans, regions and older types by meaning, decoded user data,
 * IAM action patterns, managed keys through data sources, registry filters per repository, secrets by name and
 * value together, blame where the exposure is, and values the gate cannot see.
 */
import { cdktfDoc, check, planDoc, Resources } from '../support/policy-fixtures';
import { cdktfViaLocals } from '../support/policy-locals-config';
import { modulePlan } from '../support/policy-module-plan';

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

/** The rules found for a cdktf document and a plan built separately (for cases whose shapes differ beyond values). */
async function rulesFoundIn(...docs: unknown[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const d of docs) out.push([...new Set((await check(d)).findings.map((f) => f.rule))].sort());
  return out;
}

const policyDoc = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('resource policies as policies: every carrier, NotPrincipal, conditions by what they restrict', () => {
  /** Every carrier of a resource policy in scope, in both places where it can be written. */
  const CARRIERS: Record<string, (policy: string) => Resources> = {
    'aws_kms_key policy': (policy) => ({ 'aws_kms_key.k': { enable_key_rotation: true, policy } }),
    aws_kms_key_policy: (policy) => ({ 'aws_kms_key_policy.k': { key_id: '${aws_kms_key.k.id}', policy } }),
    'aws_secretsmanager_secret policy': (policy) => ({ 'aws_secretsmanager_secret.s': { name: 'credex/x', policy } }),
    aws_secretsmanager_secret_policy: (policy) => ({
      'aws_secretsmanager_secret_policy.s': { secret_arn: '${aws_secretsmanager_secret.s.arn}', policy },
    }),
    aws_s3_bucket_policy: (policy) => ({ 'aws_s3_bucket_policy.b': { bucket: '${aws_s3_bucket.b.id}', policy } }),
    aws_ecr_repository_policy: (policy) => ({
      'aws_ecr_repository_policy.r': { repository: '${aws_ecr_repository.r.name}', policy },
    }),
    aws_sns_topic_policy: (policy) => ({ 'aws_sns_topic_policy.t': { arn: '${aws_sns_topic.t.arn}', policy } }),
    'aws_sns_topic policy': (policy) => ({ 'aws_sns_topic.t': { name: 't', policy } }),
  };
  const statement = (extra: Record<string, unknown>) => ({
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: '*',
    ...extra,
  });
  const OPEN: Record<string, Record<string, unknown>> = {
    'Principal "*"': statement({ Principal: '*' }),
    'Principal {AWS: "*"} under a transport condition': statement({
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    }),
    'NotPrincipal with Allow': statement({ NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/admin' } }),
    'Principal "*" under StringEqualsIfExists aws:SourceAccount': statement({
      Principal: '*',
      Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } },
    }),
  };
  const NARROWED: Record<string, Record<string, unknown>> = {
    'aws:SourceAccount': { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    'aws:SourceArn': { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:af-south-1:123456789012:trail/audit' } },
    'aws:PrincipalOrgID': { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
    'aws:PrincipalAccount': { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
  };

  const open = Object.keys(CARRIERS).flatMap((c) => Object.keys(OPEN).map((o) => [c, o] as const));
  test.each(open)('CDX-IAM-005: %s with %s', async (carrier, shape) => {
    for (const found of await rulesFound(CARRIERS[carrier](policyDoc(OPEN[shape]))))
      expect(found).toContain('CDX-IAM-005');
  });

  const narrowed = Object.keys(CARRIERS).flatMap((c) => Object.keys(NARROWED).map((n) => [c, n] as const));
  test.each(narrowed)(
    'no finding: %s with Principal "*" narrowed by %s, Resource "*" is that resource',
    async (carrier, key) => {
      const policy = policyDoc(
        statement({ Principal: '*', Action: 'secretsmanager:GetSecretValue', Condition: NARROWED[key] }),
      );
      for (const found of await rulesFound(CARRIERS[carrier](policy))) {
        expect(found).not.toContain('CDX-IAM-005');
        expect(found).not.toContain('CDX-IAM-003');
      }
    },
  );
});

describe('meaning, not spelling', () => {
  const ssh = (name: string, protocol: unknown, cidr: string) => ({
    [`aws_security_group_rule.${name}`]: {
      type: 'ingress',
      security_group_id: '${aws_security_group.web.id}',
      protocol,
      from_port: 22,
      to_port: 22,
      cidr_blocks: [cidr],
    },
  });
  test.each([
    ['tcp', '6'],
    ['TCP', 6],
    ['6', 'tcp'],
    ['-1', 'tcp'],
    ['all', '6'],
  ] as const)('halves of the internet add up across protocol spellings %s and %s', async (a, b) => {
    const resources = { 'aws_security_group.web': {}, ...ssh('low', a, '0.0.0.0/1'), ...ssh('high', b, '128.0.0.0/1') };
    for (const found of await rulesFound(resources)) expect(found).toContain('CDX-SG-005');
  });
  test('tcp and udp ("17") halves do not add up', async () => {
    const resources = {
      'aws_security_group.web': {},
      ...ssh('low', 'tcp', '0.0.0.0/1'),
      ...ssh('high', '17', '128.0.0.0/1'),
    };
    for (const found of await rulesFound(resources)) expect(found).not.toContain('CDX-SG-005');
  });

  const instance = {
    ami: 'ami-1',
    metadata_options: { http_tokens: 'required' },
    root_block_device: { encrypted: true },
  };
  test.each([
    ['encrypted = "false"', 'CDX-EC2-002', { 'aws_ebs_volume.v': { size: 10, encrypted: 'false' } }],
    [
      'aws_ebs_encryption_by_default enabled = "false"',
      'CDX-EC2-002',
      { 'aws_ebs_volume.v': { size: 10 }, 'aws_ebs_encryption_by_default.d': { enabled: 'false' } },
    ],
    [
      'associate_public_ip_address = "true"',
      'CDX-NET-001',
      { 'aws_instance.i': { ...instance, associate_public_ip_address: 'true' } },
    ],
    [
      'privileged = "true"',
      'CDX-ECS-001',
      {
        'aws_ecs_task_definition.t': {
          family: 't',
          container_definitions: JSON.stringify([{ name: 'a', privileged: 'true' }]),
        },
      },
    ],
    [
      'aws_default_subnet (public unless told otherwise)',
      'CDX-NET-001',
      { 'aws_default_subnet.a': { availability_zone: 'af-south-1a' } },
    ],
    ['aws_default_vpc without a flow log', 'CDX-NET-002', { 'aws_default_vpc.d': {} }],
    [
      'aws_launch_configuration volumes',
      'CDX-EC2-002',
      {
        'aws_launch_configuration.l': {
          image_id: 'ami-1',
          metadata_options: { http_tokens: 'required' },
          root_block_device: { encrypted: false },
        },
      },
    ],
    [
      'aws_launch_configuration without IMDSv2',
      'CDX-EC2-001',
      { 'aws_launch_configuration.l': { image_id: 'ami-1', root_block_device: { encrypted: true } } },
    ],
    [
      'aws_ssoadmin_permission_set_inline_policy',
      'CDX-IAM-001',
      {
        'aws_ssoadmin_permission_set_inline_policy.p': {
          instance_arn: 'i',
          permission_set_arn: 'p',
          inline_policy: policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }),
        },
      },
    ],
    [
      'iam:Pass* on role/*',
      'CDX-IAM-003',
      {
        'aws_iam_policy.p': {
          policy: policyDoc({ Effect: 'Allow', Action: 'iam:Pass*', Resource: 'arn:aws:iam::123456789012:role/*' }),
        },
      },
    ],
    [
      'secretsmanager:GetSecret* on secret:*',
      'CDX-IAM-003',
      {
        'aws_iam_policy.p': {
          policy: policyDoc({
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecret*',
            Resource: 'arn:aws:secretsmanager:af-south-1:123456789012:secret:*',
          }),
        },
      },
    ],
    [
      'a registry scanning filter that misses the repository',
      'CDX-ECR-001',
      {
        'aws_ecr_repository.r': {
          name: 'credex-core',
          image_tag_mutability: 'IMMUTABLE',
          image_scanning_configuration: { scan_on_push: true },
        },
        'aws_ecr_registry_scanning_configuration.s': {
          scan_type: 'ENHANCED',
          rule: [
            { scan_frequency: 'SCAN_ON_PUSH', repository_filter: [{ filter: 'billing-*', filter_type: 'WILDCARD' }] },
          ],
        },
      },
    ],
  ] as [string, string, Resources][])('%s is %s', async (_name, rule, resources) => {
    for (const found of await rulesFound(resources)) expect(found).toContain(rule);
  });

  test.each([
    ['encrypted = "true"', 'CDX-EC2-002', { 'aws_ebs_volume.v': { size: 10, encrypted: 'true' } }],
    [
      'aws_default_subnet with map_public_ip_on_launch = "false"',
      'CDX-NET-001',
      { 'aws_default_subnet.a': { map_public_ip_on_launch: 'false' } },
    ],
    [
      'an instance launched from a launch template that requires IMDSv2',
      'CDX-EC2-001',
      {
        'aws_launch_template.lt': { name: 'hosts', metadata_options: { http_tokens: 'required' } },
        'aws_instance.i': {
          launch_template: { id: '${aws_launch_template.lt.id}' },
          root_block_device: { encrypted: true },
        },
      },
    ],
    [
      'a registry scanning filter that matches the repository',
      'CDX-ECR-001',
      {
        'aws_ecr_repository.r': { name: 'credex-core', image_tag_mutability: 'IMMUTABLE' },
        'aws_ecr_registry_scanning_configuration.s': {
          scan_type: 'BASIC',
          rule: [
            { scan_frequency: 'SCAN_ON_PUSH', repository_filter: [{ filter: 'credex', filter_type: 'WILDCARD' }] },
          ],
        },
      },
    ],
  ] as [string, string, Resources][])('no finding of the rule: %s (%s)', async (_name, rule, resources) => {
    for (const found of await rulesFound(resources)) expect(found).not.toContain(rule);
  });

  test('an AWS-managed key through data.aws_kms_key fails the CMK rule (config: by alias; plan: key_manager AWS)', async () => {
    const topic = { 'aws_sns_topic.t': { name: 't', kms_master_key_id: '${data.aws_kms_key.sns.arn}' } };
    const config = cdktfDoc({ ...topic, 'data.aws_kms_key.sns': { key_id: 'alias/aws/sns' } }, 'production');
    const arn = 'arn:aws:kms:af-south-1:123456789012:key/0a1b2c3d-aws-managed';
    const plan = planDoc({
      'aws_sns_topic.t': { name: 't', kms_master_key_id: arn },
      'data.aws_kms_key.sns': { key_id: 'alias/aws/sns', arn, key_manager: 'AWS' },
    });
    const [a, b] = await Promise.all([check(config, 'production'), check(plan, 'production')]);
    for (const r of [a, b]) expect(r.findings.map((f) => f.rule)).toContain('CDX-KMS-001');
    const own = cdktfDoc({ ...topic, 'data.aws_kms_key.sns': { key_id: 'alias/credex-production' } }, 'production');
    expect((await check(own, 'production')).findings.map((f) => f.rule)).not.toContain('CDX-KMS-001');
  });

  test("a default-encryption switch under another region's provider does not count here", async () => {
    const volume = { 'aws_ebs_volume.v': { availability_zone: 'af-south-1a', size: 10 } };
    const config = (alias: string, region: string) => {
      const d = cdktfDoc({ ...volume, 'aws_ebs_encryption_by_default.d': { enabled: true, provider: `aws.${alias}` } });
      d.provider = { aws: [{ region: 'af-south-1' }, { alias, region }] };
      return d;
    };
    const plan = (alias: string, region: string) =>
      planDoc(
        { ...volume, 'aws_ebs_encryption_by_default.d': { enabled: true } },
        {
          configuration: {
            provider_config: {
              aws: {
                name: 'aws',
                full_name: 'registry.terraform.io/hashicorp/aws',
                expressions: { region: { constant_value: 'af-south-1' } },
              },
              [`aws.${alias}`]: {
                name: 'aws',
                alias,
                full_name: 'registry.terraform.io/hashicorp/aws',
                expressions: { region: { constant_value: region } },
              },
            },
            root_module: {
              resources: [
                {
                  address: 'aws_ebs_volume.v',
                  mode: 'managed',
                  type: 'aws_ebs_volume',
                  name: 'v',
                  provider_config_key: 'aws',
                },
                {
                  address: 'aws_ebs_encryption_by_default.d',
                  mode: 'managed',
                  type: 'aws_ebs_encryption_by_default',
                  name: 'd',
                  provider_config_key: `aws.${alias}`,
                },
              ],
            },
          },
        },
      );
    for (const found of await rulesFoundIn(config('eu', 'eu-west-1'), plan('eu', 'eu-west-1')))
      expect(found).toContain('CDX-EC2-002');
    // The same region under another alias is the same region.
    for (const found of await rulesFoundIn(config('here', 'af-south-1'), plan('here', 'af-south-1')))
      expect(found).not.toContain('CDX-EC2-002');
  });
});

describe('secrets by value and by name together', () => {
  const task = (name: string, value: string) => ({
    'aws_ecs_task_definition.t': {
      family: 't',
      container_definitions: JSON.stringify([{ name: 'api', image: 'i', environment: [{ name, value }] }]),
    },
  });
  test.each([
    ['JWT_TOKEN_TTL_SECONDS', '3600'],
    ['PASSWORD_MIN_LENGTH', '12'],
    ['APP_SECRET', 'credex-core/production/app'],
    ['NEO4J_SECRET_ARN', 'arn:aws:secretsmanager:af-south-1:123456789012:secret:neo4j_prod_secrets-AbC123'],
  ])('no finding: %s=%s', async (name, value) => {
    for (const found of await rulesFound(task(name, value))) {
      expect(found).not.toContain('CDX-SEC-001');
      expect(found).not.toContain('CDX-SEC-004');
    }
  });
  test.each([
    ['NEO4J_AUTH', 'neo4j/Tr0ub4dor3x'],
    ['LEDGER_URL', 'neo4j+s://neo4j:Tr0ub4dor3x@ledger.internal:7687'],
  ])('CDX-SEC-004 by value: %s=%s', async (name, value) => {
    for (const found of await rulesFound(task(name, value))) expect(found).toContain('CDX-SEC-004');
  });

  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const key =
    '#!/bin/bash\ncat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nEOF\n';
  const script = '#!/bin/bash\nset -euo pipefail\napt-get update\nsystemctl enable --now neo4j\n';
  test.each([
    ['aws_instance user_data_base64', (v: string) => ({ 'aws_instance.h': { ami: 'a', user_data_base64: v } })],
    [
      'aws_launch_template user_data',
      (v: string) => ({ 'aws_launch_template.l': { user_data: v, metadata_options: { http_tokens: 'required' } } }),
    ],
    [
      'aws_launch_configuration user_data_base64',
      (v: string) => ({ 'aws_launch_configuration.l': { image_id: 'a', user_data_base64: v } }),
    ],
  ])('%s is read decoded: a base64 private key is found, a base64 script is not denied', async (_name, carrier) => {
    for (const found of await rulesFound(carrier(b64(key)))) expect(found).toContain('CDX-SEC-004');
    for (const found of await rulesFound(carrier(b64(script)))) expect(found).not.toContain('CDX-SEC-004');
  });
});

describe('blame: findings where the exposure is', () => {
  /** The shape of checkov's CKV_AWS_24 fixture: failing and passing port-22 rules of one security group. */
  const rule = (extra: Record<string, unknown>) => ({
    type: 'ingress',
    from_port: 22,
    to_port: 22,
    protocol: 'tcp',
    security_group_id: '${aws_security_group.bar-sg.id}',
    ...extra,
  });
  const fixture: Resources = {
    'aws_security_group.bar-sg': { name: 'sg-bar', vpc_id: '${aws_vpc.main.id}' },
    'aws_security_group_rule.fail': rule({ cidr_blocks: ['192.168.0.0/16', '0.0.0.0/0'] }),
    'aws_security_group_rule.pass2': rule({ cidr_blocks: ['192.168.0.0/16'] }),
    'aws_security_group_rule.pass3': rule({ source_security_group_id: 'sg-123456' }),
    'aws_security_group_rule.pass4': rule({ self: true }),
  };
  test.each([
    ['cdktf', cdktfDoc],
    ['plan', planDoc],
  ] as const)("checkov's passing port-22 rules are never blamed (%s)", async (_shape, make) => {
    const report = await check(make(fixture));
    expect(report.findings.filter((f) => f.rule === 'CDX-SG-005').map((f) => f.address)).toEqual([
      'aws_security_group_rule.fail',
    ]);
  });

  test.each([
    ['cdktf', cdktfDoc],
    ['plan', planDoc],
  ] as const)('rules that add up to the internet are one finding naming them (%s)', async (_shape, make) => {
    const halves = {
      'aws_security_group.bar-sg': {},
      'aws_security_group_rule.low': rule({ cidr_blocks: ['0.0.0.0/1'] }),
      'aws_security_group_rule.high': rule({ cidr_blocks: ['128.0.0.0/1'] }),
      'aws_security_group_rule.pass3': rule({ source_security_group_id: '${aws_security_group.task.id}' }),
    };
    const found = (await check(make(halves))).findings.filter((f) => f.rule === 'CDX-SG-005');
    expect(found.map((f) => f.address)).toEqual(['aws_security_group.bar-sg']);
    expect(found[0].message).toBe(
      'rules of aws_security_group.bar-sg together open port 22 to the whole internet: ' +
        'aws_security_group_rule.high (128.0.0.0/1), aws_security_group_rule.low (0.0.0.0/1)',
    );
  });
});

describe('fail closed: values the gate cannot see are "cannot be judged" findings', () => {
  const ssh = (cidr: string) => ({
    'aws_security_group.admin': {
      ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [cidr] }],
    },
  });
  test.each([
    '${local.admin_cidr}',
    '${var.admin_cidr}',
    '${module.net.cidr}',
    '${cidrsubnet(var.base, 8, 1)}',
    '${data.external.ip.result}',
  ])('a port-22 source %s', async (cidr) => {
    for (const found of await rulesFound(ssh(cidr))) expect(found).toContain('CDX-SG-005');
    const report = await check(cdktfDoc(ssh(cidr)));
    expect(report.findings.find((f) => f.rule === 'CDX-SG-005')?.message).toMatch(
      /cannot be judged: .*write the CIDRs literally/,
    );
  });
  test.each(['${aws_vpc.main.cidr_block}', '${data.aws_subnet.a.cidr_block}'])(
    'a port-22 source %s is an edge',
    async (cidr) => {
      for (const found of await rulesFound(ssh(cidr))) expect(found).not.toContain('CDX-SG-005');
    },
  );

  test('in a real plan: a source known only at apply, from a variable, cannot be judged', async () => {
    const plan = planDoc(
      { 'aws_security_group.admin': { ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [] }] } },
      {
        resource_changes: [
          {
            address: 'aws_security_group.admin',
            mode: 'managed',
            type: 'aws_security_group',
            name: 'admin',
            change: { actions: ['create'], after_unknown: { ingress: [{ cidr_blocks: [true] }] }, after_sensitive: {} },
          },
        ],
        configuration: {
          root_module: {
            resources: [
              {
                address: 'aws_security_group.admin',
                mode: 'managed',
                type: 'aws_security_group',
                name: 'admin',
                expressions: { ingress: { references: ['var.admin_cidr'] } },
              },
            ],
          },
        },
      },
    );
    expect((await check(plan)).findings.map((f) => [f.rule, f.message])).toContainEqual([
      'CDX-SG-005',
      expect.stringMatching(/cannot be judged.*\$\{var\.admin_cidr\}/),
    ]);
  });

  test.each([
    [
      'associate_public_ip_address',
      'CDX-NET-001',
      {
        'aws_instance.i': {
          ami: 'a',
          metadata_options: { http_tokens: 'required' },
          root_block_device: { encrypted: true },
          associate_public_ip_address: '${var.public}',
        },
      },
    ],
    ['log retention', 'CDX-LOG-001', { 'aws_cloudwatch_log_group.g': { name: 'g', retention_in_days: '${var.days}' } }],
    [
      'privileged',
      'CDX-ECS-001',
      {
        'aws_ecs_task_definition.t': {
          family: 't',
          container_definitions: JSON.stringify([{ name: 'a', privileged: '${var.p}' }]),
        },
      },
    ],
    ['encrypted', 'CDX-EC2-002', { 'aws_ebs_volume.v': { size: 1, encrypted: '${local.enc}' } }],
  ] as [string, string, Resources][])('%s as an expression is %s', async (_name, rule, resources) => {
    for (const found of await rulesFound(resources)) expect(found).toContain(rule);
  });
});
