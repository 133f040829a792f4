/**
 * Terraform with the real AWS provider (5.100.0 from the machine's mirror, `npm run setup`) reads every synthesized
 * stack: `terraform init` + `terraform validate` of each stack's local copy (tools/terraform/local-copy.ts). No skip:
 * without terraform or its CLI configuration these tests fail, naming what is missing.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { repoTempDir } from '../../support/bundle';
import { synthProject } from '../../support/synth';
import { describeDiagnostic } from '../../../tools/terraform/terraform';
import { prepareWorkingCopy } from '../../../tools/terraform/working-copy';

jest.setTimeout(180_000);

const { dir: outdir, names } = synthProject();
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('the project has the three stacks', () => {
  expect(names).toEqual(['global', 'staging', 'production']);
});

test.each(['global', 'staging', 'production'])(
  'terraform validate passes on %s with provider 5.100.0',
  async (stack) => {
    const dir = repoTempDir();
    scratch.push(dir);
    const wc = prepareWorkingCopy({ stackDir: path.join(outdir, 'stacks', stack), dir: path.join(dir, stack) });
    const tf = wc.terraform();
    const init = await tf.init();
    const result = await tf.validate();
    // The figure for the report: how long Terraform takes to judge the stack here.
    console.log(`${stack}: init ${init.seconds.toFixed(1)} s, validate ${result.seconds.toFixed(1)} s`);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(describeDiagnostic)).toEqual([]);
    expect(result.valid).toBe(true);
  },
);
