import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthesizeAll } from '../../main';
import { scanText } from '../support/secret-scan';
import { environment, resources } from './helpers';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the synthesized app', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'credex-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const stacks = synthesizeAll(outdir);

  test('writes global, staging and production in the cdktf synth layout', () => {
    expect(stacks.map((s) => s.name)).toEqual(['global', 'staging', 'production']);
    for (const s of stacks) expect(JSON.parse(readFileSync(s.file, 'utf8')).resource).toBeDefined();
  });

  test('no file under the output folder holds a secret-looking literal', () => {
    const files = filesUnder(outdir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const findings = files.flatMap((f) => scanText(path.relative(outdir, f), readFileSync(f, 'utf8')));
    expect(findings).toEqual([]);
  });

  test('staging\'s plain-HTTP listener carries its waiver and reason next to it; production has none', () => {
    const json = (name: string) => JSON.parse(readFileSync(stacks.find((s) => s.name === name)!.file, 'utf8'));
    const listeners = (name: string) => Object.values(json(name).resource.aws_lb_listener) as any[];
    const staging = listeners('staging');
    expect(staging).toHaveLength(1);
    expect(staging[0]['//'].waivers).toEqual([{ rule: 'CDX-LB-001', reason: expect.stringContaining('no public domain') }]);
    for (const l of listeners('production')) expect(l['//'].waivers).toBeUndefined();
  });

  test('imports no provider barrel: the stacks load provider submodules only', () => {
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
  // Renaming one of these replaces the resource: data loss for volumes, new secrets, a new registry.
  test.each(['staging', 'production'] as const)('%s', (env) => {
    const { json } = environment(env);
    const ids = (type: string) => resources(json, type).map(([id]) => id).sort();
    expect(ids('aws_ebs_volume')).toEqual(['neo4j-ledgerspace_data_9049A168', 'neo4j-searchspace_data_0F2E1554']);
    expect(ids('aws_secretsmanager_secret')).toEqual([
      'app-secrets_secret_CE86DAB4',
      'neo4j-ledgerspace_password-secret_00A97149',
      'neo4j-searchspace_password-secret_DB7D11CB',
      'neo4j-secret_93C51A5B',
    ]);
    expect(ids('random_password')).toEqual(['neo4j-ledgerspace_password_5AC64FAA', 'neo4j-searchspace_password_295352AB']);
    expect(ids('aws_cloudwatch_log_group')).toEqual(['api_logs_F993657F', 'network_flow-log-group_73759AFD']);
  });

  test('global: the ECR repository', () => {
    const file = synthesizeAllOnce().find((s) => s.name === 'global')!.file;
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).resource.aws_ecr_repository)).toEqual(['registry_repository_BAFE171E']);
  });
});

let once: ReturnType<typeof synthesizeAll> | undefined;
function synthesizeAllOnce() {
  once ??= synthesizeAll(mkdtempSync(path.join(tmpdir(), 'credex-synth-')));
  return once;
}
