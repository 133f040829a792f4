/**
 * Names of the Terraform outputs every environment stack exposes. verify/ reads these names from the cdktf
 * outputs file (`cdktf deploy --outputs-file`) or from `terraform output -json`; renaming one breaks it.
 */
export const STACK_OUTPUTS = {
  region: 'region',
  clusterName: 'cluster_name',
  serviceName: 'service_name',
  taskDefinitionArn: 'task_definition_arn',
  image: 'image',
  targetGroupArn: 'target_group_arn',
  loadBalancerDns: 'load_balancer_dns',
  apiUrl: 'api_url',
  /** Whether the stack manages the API's DNS record, or what to point by hand (for people; verify checks DNS itself). */
  dnsRecord: 'dns_record',
  healthPath: 'health_path',
  logGroupName: 'log_group_name',
  appSecretArn: 'app_secret_arn',
  neo4jSecretArn: 'neo4j_secret_arn',
  alarmTopicArn: 'alarm_topic_arn',
  /** Targets of the Session Manager port forwards verify uses to reach Bolt from outside the VPC. */
  neo4jLedgerspaceInstanceId: 'neo4j_ledgerspace_instance_id',
  neo4jSearchspaceInstanceId: 'neo4j_searchspace_instance_id',
} as const;

export type StackOutputName = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
