/**
 * lib/synth-output.ts: the one reader of `<outdir>/stacks/<stack>/cdk.tf.json`, and contracts/stacks.ts, the
 * stack names the gate and the tools use without config.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environments } from '../../config';
import { ENVIRONMENT_NAMES, STACK_NAMES } from '../../contracts/stacks';
import { InputError } from '../../lib/errors';
import {
  readStacks,
  readTerraformJson,
  resourceAddresses,
  stackBlocks,
  stackFile,
  synthesizedStacks,
} from '../../lib/synth-output';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'synth-output-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(stack: string, content: string): void {
  mkdirSync(path.dirname(stackFile(dir, stack)), { recursive: true });
  writeFileSync(stackFile(dir, stack), content);
}

const doc = {
  terraform: {},
  resource: { aws_vpc: { main: { cidr_block: '10.0.0.0/16' } }, aws_subnet: { a: {}, b: {} } },
  data: { aws_ami: { image: { most_recent: true } } },
};

describe('contracts/stacks.ts', () => {
  it('names exactly the environments config builds, and the global stack', () => {
    expect(environments.map((e) => e.name)).toEqual([...ENVIRONMENT_NAMES]);
    expect(STACK_NAMES).toEqual(['global', 'staging', 'production']);
  });
});

describe('lib/synth-output.ts', () => {
  it('lists the stacks that have a cdk.tf.json, sorted, and reads each', () => {
    write('staging', JSON.stringify(doc));
    write('global', JSON.stringify({ terraform: {} }));
    mkdirSync(path.join(dir, 'stacks', 'half-written'));
    expect(synthesizedStacks(dir)).toEqual(['global', 'staging']);
    expect([...readStacks(dir).keys()]).toEqual(['global', 'staging']);
  });

  it('walks resources then data sources with their addresses', () => {
    expect([...stackBlocks(doc)].map((b) => `${b.mode} ${b.address}`)).toEqual([
      'managed aws_vpc.main',
      'managed aws_subnet.a',
      'managed aws_subnet.b',
      'data data.aws_ami.image',
    ]);
    expect(resourceAddresses(doc)).toEqual(['aws_vpc.main', 'aws_subnet.a', 'aws_subnet.b']);
  });

  it.each([
    ['no stacks folder', () => synthesizedStacks(dir), /no synthesized stacks in .*: run npm run synth first/],
    ['a missing file', () => readTerraformJson(stackFile(dir, 'x')), /not found: synthesize first/],
    [
      'a file that is not JSON',
      () => (write('x', '{"terraform":'), readTerraformJson(stackFile(dir, 'x'))),
      /is not JSON \(/,
    ],
    [
      'JSON without a terraform block',
      () => (write('x', '{"resource":{}}'), readTerraformJson(stackFile(dir, 'x'))),
      /is not Terraform JSON/,
    ],
  ])('%s is an input error (one line, exit 2)', (_, read, message) => {
    expect(read).toThrow(InputError);
    expect(read).toThrow(message);
  });
});
