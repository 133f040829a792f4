import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import type { PolicyDocument } from '../contracts/deployer-policies';
import { renderPolicyDocument } from './deployers';

export interface PermissionsBoundaryProps {
  /** Policy name; every role of the environment stacks names it as its boundary (config: permissionsBoundaryName). */
  readonly name: string;
  /** The generated boundary document (docs/deploy/credex-permissions-boundary.json, from `npm run iam:policy`). */
  readonly document: PolicyDocument;
  /** Account id that replaces the document's `${aws:PrincipalAccount}` (a token is fine). */
  readonly accountId: string;
  /**
   * @default - "Permissions boundary of every role the credex stacks create"
   */
  readonly description?: string;
}

/**
 * The permissions boundary of every role the staging and production stacks create: the most any of those roles
 * can ever do, whatever inline policy a deployer writes. It holds only workload actions (no IAM at all), scoped
 * to the environment the role is tagged with (`${aws:PrincipalTag/environment}`), so a role created by the
 * staging deployer cannot reach production resources. Deployers may create roles only with it attached.
 */
export class PermissionsBoundary extends Construct {
  public readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    if (props.document.Statement.length === 0) throw new Error(`PermissionsBoundary ${id}: document has no statements`);
    this.policy = new IamPolicy(this, 'policy', {
      name: props.name,
      description: props.description ?? 'Permissions boundary of every role the credex stacks create',
      policy: renderPolicyDocument(props.document, props.accountId),
    });
  }
}
