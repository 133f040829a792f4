import { App, Testing } from 'cdktf';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig, globalConfig } from '../../config';
import { BASE_IMAGE } from '../../contracts/ami';
import { EnvironmentStack } from '../../constructs/environment-stack';
import { Neo4jBackups } from '../../constructs/neo4j-backups';
import { neo4jMemory } from '../../constructs/neo4j-user-data';
import { repoRoot } from '../../lib/paths';
import { emptyStack, environment, refId, resource, resources, TfJson } from '../support/constructs';

const SPACES = ['ledgerspace', 'searchspace'] as const;
/** sha256 of the AMI install script as it is on disk: the image filter and the bake trigger must carry it. */
const SCRIPT_SHA256 = createHash('sha256')
  .update(readFileSync(path.join(repoRoot(), 'tools/ami/install-neo4j.sh')))
  .digest('hex');

describe.each(['staging', 'production'] as const)('%s Neo4j hosts', (env) => {
  const { json } = environment(env);
  const config = environmentConfig(env).neo4j;
  const host = (space: string) => resource(json, 'aws_instance', `neo4j-${space}_instance`);

  test('edition and size come from config', () => {
    for (const space of SPACES) {
      expect(host(space).instance_type).toBe(config.instanceType);
      const userData: string = host(space).user_data;
      if (config.edition === 'enterprise') expect(userData).toContain('--accept-commercial');
      else expect(userData).not.toContain('license');
    }
    expect(config).toMatchObject(
      env === 'production'
        ? { edition: 'enterprise', instanceType: 'm5.large' }
        : { edition: 'community', instanceType: 't3.medium' },
    );
  });

  test('instances: IMDSv2 required, encrypted root, detailed monitoring, no key pair, no public IP', () => {
    for (const space of SPACES) {
      const i = host(space);
      expect(i.metadata_options.http_tokens).toBe('required');
      expect(i.root_block_device.encrypted).toBe(true);
      expect(i.monitoring).toBe(true);
      expect(i.key_name).toBeUndefined();
      expect(i.associate_public_ip_address).toBeUndefined();
      const eni = resource(json, 'aws_network_interface', refId(i.network_interface[0].network_interface_id));
      expect(resource(json, 'aws_subnet', refId(eni.subnet_id)).tags.Tier).toBe('private');
    }
  });

  test('data volumes: separate, encrypted gp3, protected from destroy, tagged for backups', () => {
    const volumes = resources(json, 'aws_ebs_volume').map(([, v]) => v);
    expect(volumes).toHaveLength(2);
    for (const v of volumes) {
      expect(v).toMatchObject({
        encrypted: true,
        type: 'gp3',
        size: config.dataVolumeGiB,
        lifecycle: { prevent_destroy: true },
      });
      expect(v.tags.Neo4jBackup).toBe(env);
    }
    // Each space's volume is attached to that space's instance, which is stopped before the volume detaches.
    const id = (type: string, part: string) => resources(json, type).find(([i]) => i.includes(part))![0];
    const attachments = resources(json, 'aws_volume_attachment').map(([, a]) => [
      refId(a.volume_id),
      refId(a.instance_id),
      a.stop_instance_before_detaching,
    ]);
    expect(attachments.sort()).toEqual(
      SPACES.map((space) => [
        id('aws_ebs_volume', `neo4j-${space}_data`),
        id('aws_instance', `neo4j-${space}_instance`),
        true,
      ]).sort(),
    );
  });

  test('Bolt 7687 only from the API tasks and the rotation function groups; nothing from CIDR blocks; one group per space', () => {
    const taskSg = refId(resource(json, 'aws_ecs_service', 'service').network_configuration.security_groups[0]);
    const rotationSg = refId(resource(json, 'aws_lambda_function', 'neo4j-rotation').vpc_config.security_group_ids[0]);
    const groups = SPACES.map(
      (space) => resources(json, 'aws_security_group').find(([, g]) => g.name === `credex-${env}-neo4j-${space}`)![0],
    );
    expect(new Set(groups).size).toBe(2);
    for (const group of groups) {
      const ingress = resources(json, 'aws_vpc_security_group_ingress_rule')
        .filter(([, r]) => refId(r.security_group_id) === group)
        .map(([, r]) => r);
      expect(ingress).toHaveLength(2);
      for (const rule of ingress) {
        expect(rule).toMatchObject({ from_port: 7687, to_port: 7687, ip_protocol: 'tcp' });
        expect(rule.cidr_ipv4).toBeUndefined();
      }
      expect(ingress.map((r) => refId(r.referenced_security_group_id)).sort()).toEqual([taskSg, rotationSg].sort());
    }
    // No rule anywhere opens 7474/7473 (the browser ports).
    for (const [, r] of resources(json, 'aws_vpc_security_group_ingress_rule')) {
      for (const port of [7474, 7473]) expect(r.from_port <= port && port <= r.to_port).toBe(false);
    }
  });

  test('user_data holds no password and no stray ${: only the volume and secret references', () => {
    for (const space of SPACES) {
      const userData: string = host(space).user_data;
      const interpolations = userData.match(/\$\{[^}]*\}/g) ?? [];
      expect(interpolations.sort()).toEqual(
        [
          expect.stringMatching(/^\$\{aws_ebs_volume\..+\.id\}$/),
          expect.stringMatching(/^\$\{aws_secretsmanager_secret\..+\.arn\}$/),
        ].sort(),
      );
      expect(userData).not.toMatch(/random_password/);
      expect(userData).toContain('server.http.enabled=false');
      expect(userData).toContain(`server.memory.heap.max_size=${neo4jMemory(config.instanceType)!.heap}`);
    }
  });

  test('each instance role reads only its own password secret (and decrypts it with the environment key)', () => {
    for (const space of SPACES) {
      const policy = resources(json, 'aws_iam_role_policy').find(([id]) => id.includes(`neo4j-${space}_role`))![1];
      const id = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1];
      const statements = (json.data!.aws_iam_policy_document[id] as any).statement;
      expect(statements).toHaveLength(2);
      expect(statements[0].actions).toEqual(['secretsmanager:GetSecretValue']);
      const secret = resource(json, 'aws_secretsmanager_secret', refId(statements[0].resources[0]));
      expect(secret.name).toBe(`credex/${env}/neo4j/${space}`);
      expect(statements[1]).toMatchObject({
        actions: ['kms:Decrypt'],
        resources: [expect.stringMatching(/^\$\{aws_kms_key\./)],
      });
    }
  });

  test('the connection secret has exactly the six keys, from generated passwords', () => {
    const secret = resources(json, 'aws_secretsmanager_secret').find(([, s]) => s.name === config.secretName)!;
    const version = resources(json, 'aws_secretsmanager_secret_version').find(
      ([, v]) => refId(v.secret_id) === secret[0],
    )![1];
    const keys = [...(version.secret_string as string).matchAll(/"([a-z]+)" = /g)].map((m) => m[1]);
    expect(keys.sort()).toEqual([
      'ledgerspacebolturl',
      'ledgerspacepass',
      'ledgerspaceuser',
      'searchspacebolturl',
      'searchspacepass',
      'searchspaceuser',
    ]);
    expect(version.secret_string).toMatch(/"ledgerspacepass" = random_password\.[^.]+\.result/);
    for (const [, p] of resources(json, 'random_password')) expect(p.length).toBeGreaterThanOrEqual(32);
  });

  test('AMI: null_resource triggers on version, edition, script hash and base image; hosts use the tagged image after the bake', () => {
    const bake = resources(json, 'null_resource')[0];
    expect(bake[1].triggers).toEqual({
      neo4j_version: config.version,
      neo4j_edition: config.edition,
      build_script_sha256: SCRIPT_SHA256,
      base_image: BASE_IMAGE.name,
    });
    expect(bake[1].provisioner[0]['local-exec'].command).toMatch(
      new RegExp(
        `^npm run -s ami -- bake --edition ${config.edition} --version ${config.version.replace(/\./g, '\\.')} --region af-south-1 --keep 3 `,
      ),
    );
    const [imageId, image] = Object.entries((json.data as any).aws_ami)[0] as [string, any];
    expect(image.depends_on).toEqual([`null_resource.${bake[0]}`]);
    expect(image.filter).toEqual(
      expect.arrayContaining([
        { name: 'tag:Neo4jVersion', values: [config.version] },
        { name: 'tag:Neo4jEdition', values: [config.edition] },
        { name: 'tag:Neo4jBuildScriptHash', values: [SCRIPT_SHA256] },
        { name: 'tag:Neo4jBaseImage', values: [BASE_IMAGE.name] },
      ]),
    );
    for (const space of SPACES) expect(host(space).ami).toBe(`\${data.aws_ami.${imageId}.id}`);
  });

  test('daily snapshots of the data volumes with the configured retention', () => {
    const dlm = resources(json, 'aws_dlm_lifecycle_policy')[0][1];
    expect(dlm.policy_details.target_tags).toEqual({ Neo4jBackup: env });
    expect(dlm.policy_details.schedule[0].retain_rule).toEqual({
      interval: config.backupRetentionDays,
      interval_unit: 'DAYS',
    });
    expect(dlm.policy_details.schedule[0].create_rule.interval).toBe(24);
  });

  test("the backup policy's description fits AWS's pattern (the provider rejects anything else at plan time)", () => {
    // DLM CreateLifecyclePolicy: Description ^[0-9A-Za-z _-]+$, at most 500 characters.
    const dlm = resources(json, 'aws_dlm_lifecycle_policy')[0][1];
    expect(dlm.description).toMatch(/^[0-9A-Za-z _-]{1,500}$/);
    expect(dlm.description).toContain(env);
  });

  test('status-check alarms notify the environment alarm topic', () => {
    const topic = resources(json, 'aws_sns_topic')[0][0];
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm').filter(
      ([, a]) => a.metric_name === 'StatusCheckFailed',
    );
    expect(alarms).toHaveLength(2);
    for (const [, a] of alarms) expect(refId(a.alarm_actions[0])).toBe(topic);
  });
});

test('nothing in staging references production: disjoint CIDRs and no shared names', () => {
  const s = environment('staging').json;
  const p = environment('production').json;
  expect(resources(s, 'aws_vpc')[0][1].cidr_block).not.toBe(resources(p, 'aws_vpc')[0][1].cidr_block);
  const names = (j: TfJson) =>
    new Set(
      Object.values(j.resource)
        .flatMap((byId) => Object.values(byId).map((r: any) => r.name))
        .filter(Boolean),
    );
  const shared = [...names(s)].filter((n) => names(p).has(n));
  expect(shared).toEqual([]);
  expect(JSON.stringify(s)).not.toMatch(/production|neo4j_prod_secrets/);
});

test.each([
  ['unknown instance type', { instanceType: 'x9.mega' }, /instanceType "x9.mega" has no memory sizing/],
  ['tiny data volume', { dataVolumeGiB: 1 }, /dataVolumeGiB must be 10..16384/],
])('the environment stack rejects a Neo4j config with %s', (_name, override, message) => {
  const base = environmentConfig('staging');
  const env = { ...base, neo4j: { ...base.neo4j, ...override } };
  expect(
    () =>
      new EnvironmentStack(Testing.app() as App, 'staging', {
        env,
        global: globalConfig,
        amiBuildScriptHash: 'x',
        neo4jRotationPackage: 'not-reached.zip',
      }),
  ).toThrow(message);
});

test.each([
  [{ retentionDays: 0 }, /retentionDays must be a whole number/],
  [{ retentionDays: 7, time: '25:00' }, /time must be HH:MM/],
  [{ retentionDays: 7, environment: 'qa.1' }, /Neo4jBackups b: environment "qa.1" makes a description AWS refuses/],
])('Neo4jBackups validates its props %#', (override, message) => {
  expect(
    () =>
      new Neo4jBackups(emptyStack(), 'b', {
        environment: 'x',
        permissionsBoundaryArn: 'arn:aws:iam::1:policy/b',
        ...override,
      }),
  ).toThrow(message);
});

test('heap and page cache follow instance memory', () => {
  expect(neo4jMemory('t3.medium')).toEqual({ heap: '1g', pageCache: '1638m' });
  expect(neo4jMemory('m5.large')).toEqual({ heap: '2g', pageCache: '3276m' });
  expect(neo4jMemory('nope')).toBeUndefined();
});
