/**
 * What the policy gate says about a stack, for the drawings: the resources it denies (deny findings no waiver hides)
 * and those it accepts only under a waiver, each with the rule ids. The drawing tells exposure the gate accepts (the
 * load balancer's world-open listener ports) from exposure it denies by asking the gate itself (the committed wasm
 * bundle, as `npm run policy-check` does), never by a port list of its own that could drift from the rules.
 */
import { checkDocuments } from '../../policies/engine/check';
import type { TerraformJson } from '../../lib/synth-output';

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

/** The types whose verdicts the drawing shows (security groups and their rules: arrows and lines in boxes). */
const JUDGED_TYPES = [
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
];

/**
 * The gate's verdict on one stack's synthesized JSON (the whole stack is judged: a rule's verdict can depend on other
 * resources, such as two groups attached to one host). A stack without security groups is not evaluated (global):
 * nothing in its drawing reads a verdict.
 */
export async function judgeStack(stack: string, doc: TerraformJson): Promise<GateVerdict> {
  if (!JUDGED_TYPES.some((t) => Object.keys(doc.resource?.[t] ?? {}).length > 0)) return EMPTY_VERDICT;
  const report = await checkDocuments([{ label: stack, doc }]);
  return {
    denied: byAddress(report.findings.filter((f) => f.severity === 'deny')),
    waived: byAddress(report.waived),
  };
}
