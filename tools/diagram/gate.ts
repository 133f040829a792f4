/**
 * What the policy gate says about a stack, for the drawings: the resources it denies (deny findings no waiver hides)
 * and those it accepts only under a waiver, each with the rule ids. The drawing tells exposure the gate accepts (the
 * load balancer's world-open listener ports) from exposure it denies by asking the gate itself (the committed wasm
 * bundle, as `npm run policy-check` does), never by a port list of its own that could drift from the rules.
 */
import { checkDocuments } from '../../policies/engine/check';
import type { TerraformJson } from './terraform';

export interface GateVerdict {
  /** Address -> ids of the deny rules that fail it (sorted). */
  readonly denied: ReadonlyMap<string, readonly string[]>;
  /** Address -> ids of the rules a waiver accepts it under (sorted). */
  readonly waived: ReadonlyMap<string, readonly string[]>;
}

/** The verdict of a stack with nothing to judge (a stack absent from one side of a change drawing). */
export const EMPTY_VERDICT: GateVerdict = { denied: new Map(), waived: new Map() };

function byAddress(findings: readonly { address: string; rule: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) out.set(f.address, [...new Set([...(out.get(f.address) ?? []), f.rule])].sort());
  return out;
}

/** The gate's verdict on one stack's synthesized JSON. */
export async function judgeStack(stack: string, doc: TerraformJson): Promise<GateVerdict> {
  if (Object.keys(doc.resource ?? {}).length === 0 && Object.keys(doc.data ?? {}).length === 0) return EMPTY_VERDICT;
  const report = await checkDocuments([{ label: stack, doc }]);
  return {
    denied: byAddress(report.findings.filter((f) => f.severity === 'deny')),
    waived: byAddress(report.waived),
  };
}
