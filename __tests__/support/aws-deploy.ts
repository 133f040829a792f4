/** Creates, with AWS SDK v3 against moto, what a staging deploy would: VPC, target group, cluster, service, secret. */
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MOTO_CLIENT_CONFIG } from './moto';

export interface Deployed {
  readonly outputs: Record<string, string>;
  readonly nextTaskDefinitionArn: string;
}

/** Creates what a staging deploy would: VPC, target group with two targets, cluster, task definition, service, secret. */
export async function deploy(endpoint: string, secret: Record<string, string> | undefined): Promise<Deployed> {
  const cfg = { ...MOTO_CLIENT_CONFIG, endpoint };
  const ec2 = new EC2Client(cfg);
  const elb = new ElasticLoadBalancingV2Client(cfg);
  const ecs = new ECSClient(cfg);
  const sm = new SecretsManagerClient(cfg);
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.10.0.0/16' }));
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: 'credex-api-staging',
        Protocol: 'HTTP',
        Port: 5000,
        VpcId: vpc.Vpc!.VpcId!,
        TargetType: 'ip',
        HealthCheckPath: '/health',
      }),
    );
    const targetGroupArn = tg.TargetGroups![0].TargetGroupArn!;
    await elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: targetGroupArn,
        Targets: [
          { Id: '10.10.10.21', Port: 5000 },
          { Id: '10.10.11.22', Port: 5000 },
        ],
      }),
    );
    await ecs.send(new CreateClusterCommand({ clusterName: 'credex-staging' }));
    const image = '123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-api:abc123';
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-api-staging',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [{ name: 'api', image, essential: true, portMappings: [{ containerPort: 5000 }] }],
      }),
    );
    const taskDefinitionArn = td.taskDefinition!.taskDefinitionArn!;
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'credex-staging',
        serviceName: 'credex-api',
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        loadBalancers: [{ targetGroupArn, containerName: 'api', containerPort: 5000 }],
      }),
    );
    // A later revision nobody rolled out: what a deploy whose service update was rolled back leaves behind.
    const next = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-api-staging',
        containerDefinitions: [
          { name: 'api', image: image.replace('abc123', 'def456'), essential: true, memory: 1024 },
        ],
      }),
    );
    let neo4jSecretArn = 'arn:aws:secretsmanager:af-south-1:123456789012:secret:neo4j_stage_secrets-AbCdEf';
    if (secret) {
      const created = await sm.send(
        new CreateSecretCommand({ Name: 'neo4j_stage_secrets', SecretString: JSON.stringify(secret) }),
      );
      neo4jSecretArn = created.ARN!;
    }
    // The app secret as the deploy workflow leaves it (verify's secret-age step reads its current version's date).
    const app = await sm.send(
      new CreateSecretCommand({ Name: 'credex-core/staging/app', SecretString: JSON.stringify({ JWT_SECRET: 'x' }) }),
    );
    return {
      outputs: {
        region: MOTO_CLIENT_CONFIG.region,
        cluster_name: 'credex-staging',
        service_name: 'credex-api',
        task_definition_arn: taskDefinitionArn,
        image,
        target_group_arn: targetGroupArn,
        neo4j_secret_arn: neo4jSecretArn,
        app_secret_arn: app.ARN!,
        health_path: '/health',
      },
      nextTaskDefinitionArn: next.taskDefinition!.taskDefinitionArn!,
    };
  } finally {
    [ec2, elb, ecs, sm].forEach((c) => c.destroy());
  }
}
