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
  healthPath: 'health_path',
  logGroupName: 'log_group_name',
  appSecretArn: 'app_secret_arn',
  neo4jSecretArn: 'neo4j_secret_arn',
  alarmTopicArn: 'alarm_topic_arn',
} as const;

export type StackOutputName = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
