/**
 * The deployer policy set: what `npm run iam:policy` (tools/iam/) generates into generated/deployer-policies.json
 * and docs/deploy/, and what the `global` stack deploys (constructs/global-stack.ts, deployers.ts,
 * permissions-boundary.ts). Both sides agree on these types and on the account variable the documents use.
 */

/**
 * The IAM policy variable the generated documents use for "this account": the deployer's own account. The
 * `global` stack replaces it with the real account id (renderPolicyDocument in constructs/deployers.ts).
 */
export const ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';

/** IAM condition block: operator -> key -> value(s). */
export type Condition = Record<string, Record<string, string | string[]>>;

/** An IAM policy document as AWS takes it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Who a generated managed policy is for. */
export type Audience = 'shared' | 'staging' | 'production' | 'boundary';

/** One managed policy of the generated set. */
export interface GeneratedPolicy {
  /** IAM policy name, e.g. credex-core-permissions, credex-core-staging-permissions. */
  readonly name: string;
  readonly audience: Audience;
  readonly description: string;
  /** File under docs/deploy/ that holds the document. */
  readonly file: string;
  readonly document: PolicyDocument;
  /** Characters of the minified document (IAM's managed-policy limit is 6,144, whitespace excluded). */
  readonly size: number;
  readonly actionCount: number;
}

/** Everything `npm run iam:policy` writes, and what the `global` stack deploys. */
export interface DeployerPolicySet {
  readonly generator: string;
  readonly partition: string;
  readonly environments: readonly string[];
  /** Resource and data types seen per environment (sorted), so a review sees what the policy covers. */
  readonly types: Readonly<Record<string, readonly string[]>>;
  readonly policies: readonly GeneratedPolicy[];
}

/**
 * The policy set in `json` (main.ts passes the committed generated/deployer-policies.json), typed after a check of
 * its shape, so a hand-edited or truncated file fails synth with one line instead of deploying a broken set.
 */
export function parseDeployerPolicySet(json: unknown): DeployerPolicySet {
  const fail = (what: string): never => {
    throw new Error(`deployer policy set: ${what}; run npm run iam:policy and commit generated/deployer-policies.json`);
  };
  const set = json as Partial<DeployerPolicySet> | null;
  if (typeof set !== 'object' || set === null) fail('not an object');
  if (typeof set!.generator !== 'string' || typeof set!.partition !== 'string') fail('no generator or partition');
  if (!Array.isArray(set!.environments) || !set!.environments.every((e) => typeof e === 'string'))
    fail('environments is not a list of names');
  if (!Array.isArray(set!.policies) || set!.policies.length === 0) fail('no policies');
  for (const p of set!.policies!) {
    if (typeof p?.name !== 'string' || !['shared', 'staging', 'production', 'boundary'].includes(p.audience))
      fail(`a policy without a name or a known audience (${JSON.stringify(p?.name)})`);
    if (p.document?.Version !== '2012-10-17' || !Array.isArray(p.document.Statement))
      fail(`${p.name} has no policy document`);
  }
  return set as DeployerPolicySet;
}
