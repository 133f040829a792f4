import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { globalConfig } from '../../config';
import { STACK_OUTPUTS } from '../../contracts/outputs';
import { scanText } from '../support/secret-scan';
import { synthProject, TfJson } from '../support/synth';
import { resources } from '../support/constructs';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the synthesized app', () => {
  const synth = synthProject();

  test('writes global, staging and production in the cdktf synth layout', () => {
    expect(synth.names).toEqual(['global', 'staging', 'production']);
    for (const name of synth.names) {
      expect(synth.file(name)).toBe(path.join(synth.dir, 'stacks', name, 'cdk.tf.json'));
      expect(JSON.parse(synth.text(name))).toEqual(synth.stacks[name]);
      expect(synth.stacks[name]['//']!.metadata).toMatchObject({ stackName: name, backend: 's3' });
    }
  });

  test.each(['global', 'staging', 'production'])(
    '%s: S3 backend of its own, pinned providers, default tags, its region',
    (name) => {
      const json = synth.stacks[name];
      expect(json.terraform.backend).toEqual({
        s3: {
          bucket: globalConfig.state.bucket,
          region: globalConfig.state.region,
          key: `credex-infra/${name}.tfstate`,
          encrypt: true,
          use_lockfile: true,
        },
      });
      // Fully qualified provider source (issue 10: hashicorp/<name>) and an exact version, never a range.
      expect(json.terraform.required_providers.aws).toEqual({
        source: 'hashicorp/aws',
        version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      });
      expect(json.provider!.aws).toEqual([
        {
          region: 'af-south-1',
          default_tags: [{ tags: { project: 'credex', environment: name, 'managed-by': 'cdktf' } }],
        },
      ]);
    },
  );

  test('outputs: every environment stack exposes exactly the STACK_OUTPUTS names verify reads; global the deploy handles', () => {
    for (const env of ['staging', 'production']) {
      expect(Object.keys(synth.stacks[env].output!).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    }
    expect(Object.keys(synth.stacks.global.output!).sort()).toEqual([
      'audit_trail_arn',
      'deploy_role_arn_production',
      'deploy_role_arn_staging',
      'ecr_repository_url',
      'image_push_role_arn',
      'permissions_boundary_arn',
      'secret_age_role_arn',
    ]);
  });

  test('no file under the output folder holds a secret-looking literal', () => {
    const files = filesUnder(synth.dir);
    expect(files).toEqual(expect.arrayContaining(synth.names.map((name) => synth.file(name))));
    const findings = files.flatMap((f) => scanText(path.relative(synth.dir, f), readFileSync(f, 'utf8')));
    expect(findings).toEqual([]);
  });

  test("staging's plain-HTTP listener carries its waiver and reason next to it; production has none", () => {
    const listeners = (name: string) => Object.values(synth.stacks[name].resource.aws_lb_listener);
    const staging = listeners('staging');
    expect(staging).toHaveLength(1);
    expect(staging[0]['//'].waivers).toEqual([
      { rule: 'CDX-LB-001', reason: expect.stringContaining('no public domain') },
    ]);
    expect(listeners('production')).toHaveLength(3); // HTTP redirect, HTTPS, the blue/green test listener
    for (const l of listeners('production')) expect(l['//'].waivers).toBeUndefined();
  });

  test('the shared synth (support/synth.ts, cached on disk by a hash of the sources) equals a fresh synth of main.ts', () => {
    // The cache's safety net: an input the hash missed would show here as a difference.
    const outdir = mkdtempSync(path.join(tmpdir(), 'credex-fresh-'));
    try {
      const fresh = (require('../../main') as typeof import('../../main')).synthesizeAll(outdir);
      expect(fresh.map((s) => s.name)).toEqual(synth.names);
      for (const s of fresh) expect(JSON.parse(readFileSync(s.file, 'utf8'))).toEqual(synth.stacks[s.name]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('imports no provider barrel: the stacks load provider submodules only', () => {
    // The shared synth may come from the disk cache without loading the app, so build it here (no synth needed).
    const outdir = mkdtempSync(path.join(tmpdir(), 'credex-barrel-'));
    try {
      (require('../../main') as typeof import('../../main')).buildApp({ outdir });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    const loaded = Object.keys(require.cache);
    expect(loaded.some((m) => /@cdktf[\\/]provider-aws[\\/]lib[\\/]index\.js$/.test(m))).toBe(false);
    expect(loaded.some((m) => /@cdktf[\\/]provider-aws[\\/]lib[\\/]ecs-service[\\/]index\.js$/.test(m))).toBe(true);
  });
});

describe('the secret scanner', () => {
  test.each([
    ['"password": "hunter2-literal"', 'literal password'],
    ['"secret_string": "{\\"JWT_SECRET\\":\\"abc123456\\"}"', 'literal password'],
    ['"ledgerspacepass" = "s3cr3t-value"', 'literal password in HCL expression'],
    ['key AKIAABCDEFGHIJKLMNOP here', 'AWS access key id'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'private key'],
    ['NEO4J_AUTH=neo4j/changeme', 'Neo4j default password'],
  ])('catches %s', (line, pattern) => {
    expect(scanText('f', line).map((f) => f.pattern)).toContain(pattern);
  });

  test.each([
    '"password": "${random_password.x.result}"',
    '"secret_string": "${jsonencode({\\"ledgerspacepass\\" = random_password.p.result})}"',
    '"name": "credex-core/staging/app"',
  ])('accepts %s', (line) => {
    expect(scanText('f', line)).toEqual([]);
  });
});

describe('stable logical ids of stateful resources', () => {
  // Renaming one of these replaces the resource: data loss for volumes and log history, new secrets and passwords
  // (the databases keep the old ones), a new registry without the images, a new access-log bucket. The ids come
  // from the real app (main.ts), the files terraform applies. Change an id only together with a moved block.
  const environment = {
    aws_ebs_volume: ['neo4j-ledgerspace_data_9049A168', 'neo4j-searchspace_data_0F2E1554'],
    aws_secretsmanager_secret: [
      'app-secrets_secret_CE86DAB4',
      'neo4j-ledgerspace_password-secret_00A97149',
      'neo4j-searchspace_password-secret_DB7D11CB',
      'neo4j-secret_93C51A5B',
    ],
    random_password: ['neo4j-ledgerspace_password_5AC64FAA', 'neo4j-searchspace_password_295352AB'],
    aws_cloudwatch_log_group: ['api_logs_F993657F', 'neo4j-rotation_logs_2E197EA1', 'network_flow-log-group_73759AFD'],
    aws_s3_bucket: ['load-balancer_access-logs_bucket_728549EA'],
    aws_ecr_repository: [],
    // A replaced key would leave every secret, volume and log group it encrypts unreadable once it is deleted.
    aws_kms_key: ['kms-key_0D3468B2'],
  };
  const pinned: Record<string, Record<string, string[]>> = {
    staging: environment,
    production: {
      ...environment,
      aws_cloudwatch_log_group: [...environment.aws_cloudwatch_log_group, 'waf_logs_6B389A19'].sort(),
    },
    global: {
      aws_ecr_repository: ['registry_repository_BAFE171E'],
      aws_ebs_volume: [],
      aws_secretsmanager_secret: [],
      aws_cloudwatch_log_group: [],
      aws_kms_key: ['audit-trail_key_AB55BA0D'],
      aws_s3_bucket: ['audit-trail_bucket_7172A606'],
    },
  };

  test.each(Object.keys(pinned))('%s', (name) => {
    const json: TfJson = synthProject().stacks[name];
    const ids = Object.fromEntries(
      Object.keys(pinned[name]).map((type) => [
        type,
        resources(json, type)
          .map(([id]) => id)
          .sort(),
      ]),
    );
    expect(ids).toEqual(pinned[name]);
  });
});
