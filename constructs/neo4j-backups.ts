import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { Construct } from 'constructs';
import { neo4jBackupsRoleName } from '../contracts/naming';
import { ServiceRole } from './iam-role';
import { NEO4J_BACKUP_TAG } from './neo4j-host';

export interface Neo4jBackupsProps {
  readonly environment: string;
  /** Daily snapshots are kept this many days. */
  readonly retentionDays: number;
  /**
   * Time of day (UTC, HH:MM) the snapshot is taken.
   * @default '02:00'
   */
  readonly time?: string;
  readonly permissionsBoundaryArn: string;
}

/** The description pattern of DLM's CreateLifecyclePolicy API. */
const DLM_DESCRIPTION = /^[0-9A-Za-z _-]{1,500}$/;

/** Daily EBS snapshots of the environment's Neo4j data volumes (selected by tag), kept for `retentionDays`. */
export class Neo4jBackups extends Construct {
  public readonly policy: DlmLifecyclePolicy;

  constructor(scope: Construct, id: string, props: Neo4jBackupsProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 1000) {
      throw new Error(
        `Neo4jBackups ${id}: retentionDays must be a whole number from 1 to 1000, got ${props.retentionDays}`,
      );
    }
    const time = props.time ?? '02:00';
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time))
      throw new Error(`Neo4jBackups ${id}: time must be HH:MM (UTC), got "${time}"`);

    // AWS refuses any other description (DLM CreateLifecyclePolicy: ^[0-9A-Za-z _-]+$, at most 500 characters), and
    // the provider checks it at plan time: a comma here once failed every plan of both environments.
    const description = `credex ${props.environment} Neo4j data volumes daily`;
    if (!DLM_DESCRIPTION.test(description))
      throw new Error(
        `Neo4jBackups ${id}: environment "${props.environment}" makes a description AWS refuses ("${description}": letters, digits, spaces, _ and - only, at most 500)`,
      );

    const role = new ServiceRole(this, 'role', {
      name: neo4jBackupsRoleName(props.environment),
      servicePrincipal: 'dlm.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole'],
    });
    this.policy = new DlmLifecyclePolicy(this, 'policy', {
      description,
      executionRoleArn: role.role.arn,
      state: 'ENABLED',
      policyDetails: {
        resourceTypes: ['VOLUME'],
        targetTags: { [NEO4J_BACKUP_TAG]: props.environment },
        schedule: [
          {
            name: `daily-${props.retentionDays}d`,
            createRule: { interval: 24, intervalUnit: 'HOURS', times: [time] },
            retainRule: { interval: props.retentionDays, intervalUnit: 'DAYS' },
            copyTags: true,
            tagsToAdd: { SnapshotOf: 'neo4j-data' },
          },
        ],
      },
    });
  }
}
