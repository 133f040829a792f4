/**
 * Effective permissions: the calls a workload makes, judged by the gate's Rego evaluator (policies/rego/credex/
 * effective/, compiled into the bundle as the entrypoint credex/effective/decisions) against every policy that
 * applies: identity policies, the permissions boundary, and the resource policy of the target (KMS key policy,
 * secret, bucket and topic policies, Lambda permissions, trust policies).
 *
 * Several stacks are judged as one estate (the environment's roles carry a boundary that the `global` stack owns):
 * their normalised resources are merged, and each managed resource gets the tags AWS will give it (`tags_all`: the
 * provider's default_tags under the resource's own tags), which the principal-tag and resource-tag conditions read.
 */
import { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { loadBundle } from '../../policies/engine/evaluate';
import { normalise, PolicyInput, PolicyResource } from '../../policies/engine/normalise';
import { EFFECTIVE_ENTRYPOINT } from '../../policies/engine/paths';
import { InputError } from '../../lib/errors';

/** A synthesized stack: its name and its cdk.tf.json. */
export interface StackDocument {
  readonly name: string;
  readonly json: Record<string, unknown>;
}

/** Who makes a call: a role of the estate (by Terraform address) or an AWS service principal. */
export type CallPrincipal = { readonly role: string } | { readonly service: string };

/** What a call acts on: a resource of the estate (its modelled ARN plus a suffix) or a literal ARN or "*". */
export type CallResource = { readonly address: string; readonly suffix?: string } | { readonly arn: string };

/** One API call a workload makes, with the request context AWS sends beyond what the evaluator adds itself. */
export interface Call {
  readonly id: string;
  readonly principal: CallPrincipal;
  readonly action: string;
  readonly resource: CallResource;
  /** Condition keys and values; a value may hold Terraform references ("${aws_cloudtrail.t.arn}"). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** The evaluator's answer for one call. */
export interface Decision {
  readonly id: string;
  readonly allowed: boolean;
  readonly decision: 'allowed' | 'implicitly denied' | 'explicitly denied' | 'undecidable';
  readonly action?: string;
  readonly resource?: string;
  /** Identity statements that allow it ("<source> <sid>"). */
  readonly identity?: string[];
  readonly boundary?: string;
  readonly resource_policy?: string;
  readonly denied_by?: string[];
  readonly problems?: string[];
}

/** The merged input of several stacks, and where each construct path landed. */
export interface EstateInput {
  readonly input: {
    readonly format: 'cdktf';
    readonly stack: string;
    readonly environment: string;
    readonly region: string;
    readonly account: string;
    readonly resources: Record<string, PolicyResource>;
    readonly unjudgeable: PolicyInput['unjudgeable'];
    readonly managed_policies: Record<string, unknown>;
  };
  /** Construct path (e.g. staging/neo4j-rotation/role/role) -> Terraform address. */
  readonly addresses: ReadonlyMap<string, string>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function defaultTags(json: Json): Record<string, string> {
  const aws = isObject(json.provider) ? json.provider.aws : undefined;
  const first = Array.isArray(aws) ? aws[0] : aws;
  const dt = isObject(first) ? first.default_tags : undefined;
  const tags = (Array.isArray(dt) ? dt[0] : dt) as { tags?: Record<string, string> } | undefined;
  return { ...(tags?.tags ?? {}) };
}

/**
 * Merges stacks into one evaluator input. Two stacks may both hold the same data source (the caller identity,
 * the partition) with the same values; any other address held twice is an error. `managedPolicies` are the
 * documents of AWS-managed policies the roles attach (ARN -> policy document).
 */
export function estateInput(
  stacks: readonly StackDocument[],
  options: { readonly account?: string; readonly managedPolicies?: Record<string, unknown> } = {},
): EstateInput {
  const resources: Record<string, PolicyResource> = {};
  const addresses = new Map<string, string>();
  const unjudgeable: PolicyInput['unjudgeable'][number][] = [];
  let region = '';
  for (const stack of stacks) {
    const { input, meta } = normalise(stack.json, stack.name);
    if (!input.region) throw new InputError(`effective: stack ${stack.name} has no literal aws provider region`);
    if (region && region !== input.region)
      throw new InputError(`effective: stacks ${stacks.map((s) => s.name).join(', ')} are in different regions`);
    region = input.region;
    unjudgeable.push(...input.unjudgeable);
    const tags = defaultTags(stack.json);
    for (const [address, r] of Object.entries(input.resources)) {
      const own = isObject(r.values.tags) ? (r.values.tags as Record<string, string>) : {};
      const values = r.mode === 'managed' ? { ...r.values, tags_all: { ...tags, ...own } } : r.values;
      const merged: PolicyResource = { ...r, values };
      const existing = resources[address];
      if (existing && JSON.stringify(existing) !== JSON.stringify(merged))
        throw new InputError(`effective: ${address} is in more than one stack with different values`);
      resources[address] = merged;
      const path = meta[address]?.constructPath;
      if (path) addresses.set(path, address);
    }
  }
  return {
    input: {
      format: 'cdktf',
      stack: stacks.map((s) => s.name).join('+'),
      environment: '',
      region,
      account: options.account ?? '111122223333',
      resources,
      unjudgeable,
      managed_policies: options.managedPolicies ?? {},
    },
    addresses,
  };
}

let policy: Promise<LoadedPolicy> | undefined;
const BATCH = 20;

/** Evaluates calls against the estate with the compiled bundle's effective-permissions entrypoint. */
export async function evaluateCalls(estate: EstateInput, calls: readonly Call[]): Promise<Decision[]> {
  const ids = new Set<string>();
  for (const c of calls) {
    if (ids.has(c.id)) throw new InputError(`effective: two calls have the id "${c.id}"`);
    ids.add(c.id);
  }
  policy ??= loadBundle();
  const loaded = await policy;
  // In batches: the wasm's heap grows with every intermediate value of one evaluation (no collection until it
  // ends), which makes one evaluation of hundreds of calls many times slower than the same calls in batches.
  const byId = new Map<string, Decision>();
  for (let i = 0; i < calls.length; i += BATCH) {
    const result = loaded.evaluate({ ...estate.input, calls: calls.slice(i, i + BATCH) }, EFFECTIVE_ENTRYPOINT) as {
      result?: Decision[];
    }[];
    for (const d of result?.[0]?.result ?? []) byId.set(d.id, d);
  }
  return calls.map(
    (c) =>
      byId.get(c.id) ?? {
        id: c.id,
        allowed: false,
        decision: 'undecidable',
        problems: ['the evaluator gave no decision (a reference it cannot model?)'],
      },
  );
}
