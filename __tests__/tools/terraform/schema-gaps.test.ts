/**
 * What the stacks use that the local provider (5.100.0) lacks, computed from that provider's own schema
 * (`terraform providers schema -json`), must be exactly the reviewed list in tools/terraform/schema-gaps.ts: a new
 * 6.x-only attribute fails here until someone adds it there, with its reason.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { repoTempDir } from '../../support/bundle';
import { synthProject } from '../../support/synth';
import { LOCAL_PROVIDER_SOURCE } from '../../../tools/terraform/local-provider';
import { findSchemaGaps, SCHEMA_GAPS } from '../../../tools/terraform/schema-gaps';
import type { ProvidersSchema } from '../../../tools/terraform/terraform';
import type { TerraformJson } from '../../../lib/synth-output';
import { prepareWorkingCopy } from '../../../tools/terraform/working-copy';

jest.setTimeout(120_000);

const project = synthProject();
const stacks = project.names.map((name) => project.stacks[name] as unknown as TerraformJson);
let schema: ProvidersSchema;
let scratch: string;

beforeAll(async () => {
  scratch = repoTempDir();
  const wc = prepareWorkingCopy({ stackDir: path.join(project.dir, 'stacks', 'global'), dir: path.join(scratch, 'g') });
  const tf = wc.terraform();
  await tf.init();
  schema = await tf.providersSchema();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('the schema read is the local provider, 5.100.0', () => {
  expect(Object.keys(schema.provider_schemas)).toEqual([LOCAL_PROVIDER_SOURCE]);
  // A type that arrived after 5.100 is unknown to it; one that has existed for years is known.
  expect(schema.provider_schemas[LOCAL_PROVIDER_SOURCE].resource_schemas?.aws_ecs_service).toBeDefined();
});

test('every attribute the stacks use that 5.100 lacks is on the reviewed list, and nothing else is', () => {
  expect(findSchemaGaps(stacks, schema)).toEqual(SCHEMA_GAPS.map((g) => g.path).sort());
});

test('each reviewed entry says why the stacks use it and what setting it aside loses', () => {
  for (const gap of SCHEMA_GAPS) expect(gap.reason.length).toBeGreaterThan(40);
});

test('a new attribute 5.100 does not know (anywhere: top level, nested block, data source, unknown type) is found', () => {
  const staging = structuredClone(project.stacks.staging) as unknown as TerraformJson;
  const service = Object.values(staging.resource!.aws_ecs_service)[0] as Record<string, any>;
  service.made_up_setting = true;
  (service.network_configuration as Record<string, unknown>).made_up_nested = 'x';
  const ami = Object.values(staging.data!.aws_ami)[0] as Record<string, any>;
  ami.made_up_filter = 'x';
  staging.resource!.aws_made_up_thing = { x: { name: 'x' } };
  const before = findSchemaGaps([project.stacks.staging as unknown as TerraformJson], schema);
  expect(findSchemaGaps([staging], schema)).toEqual(
    [
      ...before,
      'aws_ecs_service.made_up_setting',
      'aws_ecs_service.network_configuration.made_up_nested',
      'data.aws_ami.made_up_filter',
      'aws_made_up_thing',
    ].sort(),
  );
});

test('the local copies set aside exactly the reviewed paths, where the stacks use them', () => {
  const setAside = project.names.flatMap((name) => {
    const wc = prepareWorkingCopy({
      stackDir: path.join(project.dir, 'stacks', name),
      dir: path.join(scratch, `copy-${name}`),
    });
    return wc.copy.changes
      .filter((c) => c.kind === 'set-aside')
      .map((c) => `${c.subject.split('.')[0]}.${c.subject.split(': ')[1]}`);
  });
  expect([...new Set(setAside)].sort()).toEqual(SCHEMA_GAPS.map((g) => g.path).sort());
});
