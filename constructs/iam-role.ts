import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { inlinePolicyName } from '../contracts/naming';

/** One IAM statement; every Allow names its resources (no implicit `*`). */
export interface PolicyStatement {
  readonly sid?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly { test: string; variable: string; values: readonly string[] }[];
}

export interface ServiceRoleProps {
  /** Role name; carries the project and environment, e.g. credex-core-task-staging. */
  readonly name: string;
  /** The AWS service that assumes the role, e.g. ecs-tasks.amazonaws.com. */
  readonly servicePrincipal: string;
  /**
   * Permissions boundary every role of the environment stacks carries, so that deployers may create roles
   * only within it (the delegation pattern of the `global` stack).
   */
  readonly permissionsBoundaryArn: string;
  /**
   * Inline permissions.
   * @default - none: the role can only be assumed
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * AWS-managed policies to attach (by ARN), for services whose needs AWS maintains (SSM, DLM).
   * @default - none
   */
  readonly managedPolicyArns?: readonly string[];
}

/** Renders statements to a policy document whose `.json` is a Terraform reference, not a hand-built string. */
export function policyDocument(
  scope: Construct,
  id: string,
  statements: readonly PolicyStatement[],
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: statements.map((s) => ({
      sid: s.sid,
      effect: 'Allow',
      actions: [...s.actions],
      resources: [...s.resources],
      condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
    })),
  });
}

/** An IAM role assumed by one AWS service, with a permissions boundary and least-privilege inline policy. */
export class ServiceRole extends Construct {
  public readonly role: IamRole;
  /** The inline policy. @default - none when the role has no statements */
  public readonly policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.servicePrincipal] }],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    if (props.statements && props.statements.length > 0) {
      this.policy = new IamRolePolicy(this, 'policy', {
        name: inlinePolicyName(props.name),
        role: this.role.id,
        policy: policyDocument(this, 'permissions', props.statements).json,
      });
    }
    (props.managedPolicyArns ?? []).forEach((arn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    });
  }
}
