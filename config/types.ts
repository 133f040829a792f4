/**
 * Typed environment configuration: the only place where staging and production differ.
 * main.ts reads it once and passes typed props down; constructs never read the environment.
 */

import type { EnvironmentName } from '../contracts/stacks';

export type { EnvironmentName };
export type Neo4jEdition = 'community' | 'enterprise';

export interface NetworkConfig {
  /** CIDR of the environment's VPC; staging and production must not overlap. */
  readonly vpcCidr: string;
  /** Two availability zones: public subnets (load balancer) and private subnets (tasks, databases) in each. */
  readonly availabilityZones: readonly [string, string];
  readonly publicSubnetCidrs: readonly [string, string];
  readonly privateSubnetCidrs: readonly [string, string];
  /** NAT gateways for private egress: 1 (cheaper, one AZ's NAT is a single point of failure) or 2 (one per AZ). */
  readonly natGateways: 1 | 2;
  /** Retention of VPC flow logs in CloudWatch Logs, in days. */
  readonly flowLogRetentionDays: number;
  /**
   * Daily flow-log ingestion (GiB) above which the flow-log alarm notifies: the bill grows with the number of flows
   * (scans, a DDoS, a chatty new client), not with the API's traffic volume (docs/deployer-guide.md, flow logs).
   */
  readonly flowLogDailyIngestAlarmGiB: number;
}

export interface ServiceConfig {
  /** Fargate task CPU units (256 = 0.25 vCPU) and memory in MiB; must be a valid Fargate pair. */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly desiredCount: number;
  readonly minCount: number;
  readonly maxCount: number;
  /** Target average CPU utilisation for service auto scaling, in percent. */
  readonly cpuTargetPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  /** ECS Exec (interactive shells into tasks); off unless an environment needs it. */
  readonly enableExecuteCommand: boolean;
  readonly logRetentionDays: number;
  /** How a new task definition replaces the running one, and what rolls it back. */
  readonly deployment: DeploymentConfig;
}

/**
 * ECS deployment strategy of the API service. Both strategies attach the service's 5xx, unhealthy-target and
 * running-below-desired alarms as deployment alarms with rollback, on top of the circuit breaker.
 */
export interface DeploymentConfig {
  /**
   * ROLLING: new tasks replace old ones behind the one target group (circuit breaker, alarms roll back).
   * BLUE_GREEN: ECS native blue/green: the new revision (green) starts in the alternate target group, is reachable on
   * the test listener, takes all production traffic at once, and the old revision (blue) is kept for the bake time;
   * an alarm during the bake shifts traffic back to blue.
   */
  readonly strategy: 'ROLLING' | 'BLUE_GREEN';
  /** BLUE_GREEN: minutes blue stays up after the shift, while the alarms can still roll back (0..1440). */
  readonly bakeTimeMinutes: number;
  /** BLUE_GREEN: load-balancer port of the test listener that reaches green before the shift (not 80/443). */
  readonly testListenerPort: number;
}

export interface LoadBalancerConfig {
  /** ACM certificate for the HTTPS listener; without it, the ISSUED certificate of `domainName` is used. */
  readonly certificateArn?: string;
  /**
   * Required without a certificate or domain: why this environment may serve plain HTTP (it becomes the policy
   * waiver's reason, listed in every policy-check report).
   */
  readonly httpOnlyReason?: string;
  /** Public DNS name of the API, e.g. api.credex.example: the API URL output and the certificate lookup. */
  readonly domainName?: string;
  /**
   * Route 53 hosted zone of `domainName`: when set, the stack manages `domainName` as an alias record to its load
   * balancer (constructs/api-dns-record.ts). Without it no record is managed: point the name at the load balancer by
   * hand (output dns_record says which), and verify's dns step checks it.
   */
  readonly hostedZoneId?: string;
  readonly deletionProtection: boolean;
  /** Days the ALB access logs are kept in their S3 bucket. */
  readonly accessLogRetentionDays: number;
}

export interface AlarmConfig {
  /** E-mail subscribed to the alarm topic; none means the topic exists without a subscription. */
  readonly email?: string;
}

export interface Neo4jConfig {
  readonly edition: Neo4jEdition;
  /** Full Neo4j version, e.g. 5.26.19 (the AMI is baked for exactly this version). */
  readonly version: string;
  readonly instanceType: string;
  readonly dataVolumeGiB: number;
  /** Daily snapshots of the data volumes are kept this many days. */
  readonly backupRetentionDays: number;
  /** Name of the Secrets Manager secret with the six connection keys. */
  readonly secretName: string;
}

export interface SmokeTest {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  readonly path: string;
  readonly body?: unknown;
  readonly expectStatus: number;
  /** Fragments the response body must contain. */
  readonly expectBodyIncludes?: readonly string[];
}

export interface LoadProfile {
  /** Paths hit in turn by every virtual user. */
  readonly paths: readonly string[];
  /**
   * Concurrent virtual users (k6 VUs, autocannon connections); with `requestsPerMinute`, the most requests in flight.
   */
  readonly virtualUsers: number;
  readonly durationSeconds: number;
  /**
   * Paced load: requests started per minute, evenly spaced, whatever the answers' speed (k6 constant-arrival-rate).
   * @default - none: every virtual user sends its next request as soon as the last one is answered
   */
  readonly requestsPerMinute?: number;
  readonly thresholds: {
    readonly p95Ms: number;
    /** Highest acceptable share of failed requests, 0..1. */
    readonly maxErrorRate: number;
    /** Lowest acceptable share of passed checks (status 2xx), 0..1. */
    readonly minChecksRate: number;
  };
}

/**
 * verify's load step for one environment. The request rate is not set here: it is this share of the budget the app
 * gives one client address (contracts/app.ts APP_RATE_LIMIT), so the step measures the app and not its limiter.
 */
export interface LoadConfig {
  /** Paths hit in turn. */
  readonly paths: readonly string[];
  /** The most requests in flight at once. */
  readonly virtualUsers: number;
  readonly durationSeconds: number;
  /**
   * Share (0..1] of one client's rate-limit budget per window the load may spend. Behind the load balancer every
   * client shares that budget (the app keys its limit on the socket address), so the load spends real users' budget.
   */
  readonly budgetShare: number;
  readonly thresholds: LoadProfile['thresholds'];
}

/** What verify's api-health step accepts as healthy (the status, and when set a JSON field or body fragments). */
export interface HealthExpectation {
  /** @default 200 */
  readonly expectStatus?: number;
  /** A field of the JSON body (dot path) and the value it must have, e.g. `{ path: 'status', equals: 'ok' }`. */
  readonly jsonField?: { readonly path: string; readonly equals: string | number | boolean };
  /** Fragments the body must contain. */
  readonly bodyIncludes?: readonly string[];
}

/**
 * verify's choices for one environment. What the app answers (health, public routes, its rate limit) is the app
 * contract's (contracts/app.ts), not config's: verify/expectations.ts derives the checks from it.
 */
export interface VerifyConfig {
  /**
   * The smoke step's member journey: onboard a test member, log in, read the dashboard with the token. Only where the
   * app has its dev setup and test members are acceptable (config/validate.ts refuses it in production).
   */
  readonly memberJourney: boolean;
  /**
   * The rate-limit probe (step rate-limit): spends a whole window of the budget the clients behind the load balancer
   * share, so never in production (config/validate.ts refuses it there).
   */
  readonly rateLimitProbe: boolean;
  readonly load: LoadConfig;
}

export interface StateConfig {
  /** S3 bucket holding the Terraform state of every stack (one key per stack), created once by hand. */
  readonly bucket: string;
  readonly region: string;
  /** Optional DynamoDB lock table; by default S3 native locking (use_lockfile, Terraform >= 1.10) is used. */
  readonly dynamodbTable?: string;
}

/** Web application firewall (AWS WAFv2) in front of the environment's load balancer. */
export interface WafConfig {
  /** Production always has one (the gate denies an internet-facing production load balancer without it). */
  readonly enabled: boolean;
  /** Requests one client IP may send in any 5-minute window before the rate-based rule blocks it (AWS minimum 10). */
  readonly rateLimitPer5Minutes: number;
  /** Paths the rate-based rule does not count (the health path, which verify's load step hammers). */
  readonly rateLimitExemptPaths: readonly string[];
  /** Days the WAF's request log (aws-waf-logs-credex-<env>) is kept. */
  readonly logRetentionDays: number;
}

/** Secrets, keys and alerts: rotation schedule, app-secret age, the customer-managed key, secret-read alerts. */
export interface SecurityConfig {
  /** Days between automatic rotations of each Neo4j host's password (Secrets Manager schedule), 1..365. */
  readonly neo4jRotationDays: number;
  /** Oldest acceptable age (days since its current version was written) of the app secret, which cannot rotate itself. */
  readonly appSecretMaxAgeDays: number;
  /** Waiting period before a scheduled deletion of the environment's KMS key takes effect, 7..30 days. */
  readonly keyDeletionWindowDays: number;
  /**
   * The gate requires every secret to rotate here (CDX-SEC-003 judges production): the two secrets that cannot rotate
   * on a schedule of their own (the app secret, the connection secret the rotation keeps in step) record their
   * reasoned waivers.
   */
  readonly requireRotation: boolean;
  /**
   * Roles (names) besides the execution role, the Neo4j instance roles and the rotation function whose reads of this
   * environment's secrets raise no alert. @default - none
   */
  readonly secretReadExpectedRoleNames?: readonly string[];
  readonly waf: WafConfig;
}

export interface EnvironmentConfig {
  /** Stack name, as in `cdktf deploy staging`. */
  readonly name: EnvironmentName;
  /** NODE_ENV of the API container. */
  readonly nodeEnv: string;
  /**
   * The environment whose deploys mark the images this one may take (deployed-<env>-<tag>): a release or a
   * rollback by tag is refused unless that environment, or this one, ran the tag before (resolve-image-tag.sh).
   * @default - none: any tag in ECR
   */
  readonly promoteImageFrom?: EnvironmentName;
  readonly region: string;
  readonly network: NetworkConfig;
  readonly service: ServiceConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly alarms: AlarmConfig;
  readonly neo4j: Neo4jConfig;
  readonly verify: VerifyConfig;
  readonly security: SecurityConfig;
}

/** Account-wide settings shared by all stacks. */
export interface GlobalConfig {
  readonly project: string;
  readonly region: string;
  readonly state: StateConfig;
  /**
   * The ECR repository both environments pull from: the newest `keepImages` images of any tag are kept, and
   * besides them each environment's newest `keepDeployedPerEnvironment` deployed images (the one running and the
   * ones a rollback may return to), whatever the other environment pushes.
   */
  readonly ecr: {
    readonly repositoryName: string;
    readonly keepImages: number;
    readonly keepDeployedPerEnvironment: number;
  };
  /** GitHub repository (owner/name) whose workflows may assume the deploy roles. */
  readonly githubRepository: string;
  /**
   * Default branch of githubRepository: its scheduled workflows run there (secret-age.yml), and the read-only
   * secret-age role trusts that branch's jobs.
   */
  readonly defaultBranch: string;
  /**
   * The app repository whose build pushes the API image to the ECR repository, and the branch whose jobs may: the
   * push role (credex-github-image-push) trusts exactly those; the deploy roles never push (deploys never build).
   */
  readonly imagePush: { readonly repository: string; readonly branch: string };
  /** Neo4j AMIs kept per edition by the AMI command. */
  readonly amiRetention: number;
  /**
   * Managed policy (created by the `global` stack) that every role of the environment stacks carries as its
   * permissions boundary; deployers may only create roles that carry it.
   */
  readonly permissionsBoundaryName: string;
  /** Branch whose pushes deploy each environment (the GitHub OIDC deploy roles trust only these). */
  readonly deployBranches: Readonly<Record<EnvironmentName, string>>;
  /**
   * The account's CloudTrail trail (multi-region, log file validation, KMS-encrypted, private TLS-only bucket) that the
   * secret-read alerts need. `create: false` when the account already has a multi-region trail with management events.
   */
  readonly auditTrail: {
    readonly create: boolean;
    readonly name: string;
    /** Days the trail's log files are kept in their bucket. */
    readonly retentionDays: number;
  };
}
