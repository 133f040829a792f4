import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthesizeAll } from '../../../main';
import { readStacks } from '../../../tools/iam/files';
import type { TerraformJson } from '../../../lib/synth-output';
import { StackInput } from '../../../tools/iam/generate';
import { PolicyDocument, PolicyStatement } from '../../../contracts/deployer-policies';

let cached: { stacks: StackInput[]; global: TerraformJson } | undefined;

/** The real app synthesized once per test file (as `npm run iam:policy` does): environment stacks and global. */
export function synthesized(): { stacks: StackInput[]; global: TerraformJson } {
  if (cached) return cached;
  const outdir = mkdtempSync(path.join(tmpdir(), 'credex-iam-test-'));
  try {
    synthesizeAll(outdir);
    const stacks = readStacks(outdir);
    const [global] = readStacks(outdir, ['global']);
    cached = { stacks, global: global.json };
    return cached;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A deep copy of the stacks, to break on purpose. */
export function copyStacks(stacks: StackInput[]): { name: string; json: any }[] {
  return stacks.map((s) => ({ name: s.name, json: JSON.parse(JSON.stringify(s.json)) }));
}

export function statements(doc: PolicyDocument): PolicyStatement[] {
  return doc.Statement;
}

/** Every string value of a condition block, flattened. */
export function conditionValues(st: PolicyStatement, key: string): string[] {
  const out: string[] = [];
  for (const keys of Object.values(st.Condition ?? {})) {
    const v = keys[key];
    if (v !== undefined) out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out;
}
