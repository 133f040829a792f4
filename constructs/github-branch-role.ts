import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DEPLOYER_PATH, inlinePolicyName } from '../contracts/naming';
import { waive } from '../contracts/waivers';
import { githubTrustPolicy } from './github-oidc';
import type { PolicyStatement } from './iam-role';

/** Actions IAM cannot scope to a resource: the only ones a statement may grant on "*". */
export const RESOURCELESS_ACTIONS: readonly string[] = ['ecr:GetAuthorizationToken'];

/** The subject of a job of `repository` on branch `branch` that names no GitHub environment. */
export function githubBranchSubject(repository: string, branch: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    throw new Error(`GithubBranchRole: repository must be owner/name, got "${repository}"`);
  if (!/^[A-Za-z0-9_./-]+$/.test(branch) || branch.includes('..'))
    throw new Error(`GithubBranchRole: branch "${branch}" must be letters, digits, _ . / - (no wildcard)`);
  return `repo:${repository}:ref:refs/heads/${branch}`;
}

export interface GithubBranchRoleProps {
  /** Role name, e.g. credex-github-secret-age. */
  readonly name: string;
  /** ARN of the GitHub OIDC provider (GithubOidc.providerArn). */
  readonly providerArn: string;
  /** owner/name of the one repository whose workflows may assume the role. */
  readonly repository: string;
  /** The one branch whose jobs may assume it, e.g. main. */
  readonly branch: string;
  /** What the role is for (the role's description). */
  readonly purpose: string;
  /** The whole of its permissions: inline, every statement naming its resources. */
  readonly statements: readonly Omit<PolicyStatement, 'conditions'>[];
  /**
   * Why a branch subject is acceptable for these permissions (recorded as the waiver of CDX-IAM-008, which admits only
   * GitHub environment subjects for the deploy roles).
   */
  readonly branchTrustReason: string;
  /**
   * IAM path: outside every `credex-*` role pattern the deployer policies may touch.
   * @default '/credex-deployers/'
   */
  readonly path?: string;
  /**
   * Longest session, in seconds (3600..43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

/**
 * A narrow role for a GitHub workflow that runs on a branch without a GitHub environment: a scheduled job (schedules
 * run on the default branch, and an environment's protection would refuse or hold it) or another repository's build.
 * It trusts only tokens with audience sts.amazonaws.com and the subject `repo:<owner>/<repo>:ref:refs/heads/<branch>`
 * (StringEquals, one value, no wildcard): pull requests, forks, other branches and tags cannot assume it. Because any
 * job on that branch can, its permissions must be ones no reviewer needs to see (reading a secret's dates, pushing an
 * image no deploy takes unasked); the gate's CDX-IAM-008 finding on the branch subject is waived with that reason.
 */
export class GithubBranchRole extends Construct {
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: GithubBranchRoleProps) {
    super(scope, id);
    const duration = props.maxSessionDurationSeconds ?? 3600;
    if (duration < 3600 || duration > 43200)
      throw new Error(`GithubBranchRole ${id}: maxSessionDurationSeconds must be 3600..43200`);
    if (props.statements.length === 0) throw new Error(`GithubBranchRole ${id}: statements is empty`);
    for (const s of props.statements) {
      if (s.actions.length === 0 || s.resources.length === 0)
        throw new Error(`GithubBranchRole ${id}: statement ${s.sid ?? '?'} needs actions and resources`);
      if (s.resources.includes('*') && !s.actions.every((a) => RESOURCELESS_ACTIONS.includes(a)))
        throw new Error(
          `GithubBranchRole ${id}: statement ${s.sid ?? '?'} grants on "*" an action IAM can scope (only ${RESOURCELESS_ACTIONS.join(', ')} may)`,
        );
    }
    const trust = githubTrustPolicy(
      'GithubBranch',
      props.providerArn,
      githubBranchSubject(props.repository, props.branch),
    );
    this.role = new IamRole(this, 'role', {
      name: props.name,
      path: props.path ?? DEPLOYER_PATH,
      description: `${props.purpose}: workflows of ${props.repository} on branch ${props.branch} only`,
      assumeRolePolicy: Fn.jsonencode(trust),
      maxSessionDuration: duration,
    });
    waive(this.role, { rule: 'CDX-IAM-008', reason: props.branchTrustReason });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: inlinePolicyName(props.name),
      role: this.role.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: props.statements.map((s) => ({
          Sid: s.sid,
          Effect: 'Allow',
          Action: [...s.actions],
          Resource: [...s.resources],
        })),
      }),
    });
  }
}
