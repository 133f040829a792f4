/** Data Lifecycle Manager: daily snapshots of the Neo4j data volumes. */
import { ServiceActions } from '../types';
import { arn } from './arns';

const dlmPolicyArns = [arn('dlm', 'policy/*')];

export const DLM: ServiceActions = {
  aws_dlm_lifecycle_policy: {
    note: 'daily snapshots of the Neo4j data volumes, run by the backups role',
    grants: [
      // AWS defines no resource type for CreateLifecyclePolicy: "*", scoped by the request tags
      // (contracts/unscopable-actions.ts lists it among the writes allowed on "*" only so).
      { sid: 'DlmCreate', actions: ['dlm:CreateLifecyclePolicy'], resources: ['*'], condition: 'request-tag' },
      {
        sid: 'DlmChange',
        actions: [
          'dlm:GetLifecyclePolicy',
          'dlm:UpdateLifecyclePolicy',
          'dlm:DeleteLifecyclePolicy',
          'dlm:ListTagsForResource',
          'dlm:TagResource',
          'dlm:UntagResource',
        ],
        resources: dlmPolicyArns,
        condition: 'resource-tag',
      },
      { sid: 'DlmTagOnCreate', actions: ['dlm:TagResource'], resources: dlmPolicyArns, condition: 'request-tag' },
    ],
    passesRoles: [{ attribute: 'execution_role_arn', service: 'dlm.amazonaws.com', required: true }],
  },
};
