import { EnvironmentConfig } from './types';

export const production: EnvironmentConfig = {
  name: 'production',
  nodeEnv: 'production',
  // production runs only an image staging ran (promotion by tag; ECR tags are immutable, so the same digest)
  promoteImageFrom: 'staging',
  region: 'af-south-1',
  network: {
    vpcCidr: '10.20.0.0/16',
    availabilityZones: ['af-south-1a', 'af-south-1b'],
    publicSubnetCidrs: ['10.20.0.0/24', '10.20.1.0/24'],
    privateSubnetCidrs: ['10.20.10.0/24', '10.20.11.0/24'],
    natGateways: 2,
    flowLogRetentionDays: 365,
    flowLogDailyIngestAlarmGiB: 1,
  },
  service: {
    cpu: 1024,
    memoryMiB: 2048,
    desiredCount: 2,
    minCount: 2,
    maxCount: 6,
    cpuTargetPercent: 60,
    healthCheckGracePeriodSeconds: 60,
    enableExecuteCommand: false,
    logRetentionDays: 365,
    // Zero-downtime releases: green is tested, takes the traffic, and blue stays 5 minutes to roll back to.
    deployment: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 5, testListenerPort: 8443 },
  },
  loadBalancer: {
    // HTTPS with the ISSUED ACM certificate for this name (looked up at plan time; request it in ACM first).
    domainName: 'api.mycredex.app',
    // No hostedZoneId: the mycredex.app zone is not known to this repository yet, so no stack manages the record
    // (output dns_record says so); point it at load_balancer_dns by hand, verify's dns step checks it. With the zone id
    // here the stack manages it as an alias record (docs/deployer-guide.md section 5).
    deletionProtection: true,
    accessLogRetentionDays: 365,
  },
  alarms: { email: 'ops@mycredex.app' },
  neo4j: {
    edition: 'enterprise',
    version: '5.26.30',
    instanceType: 'm5.large',
    dataVolumeGiB: 100,
    backupRetentionDays: 30,
    secretName: 'neo4j_prod_secrets',
  },
  verify: {
    // What the app answers comes from the app contract (contracts/app.ts). Production gets no test members and no
    // rate-limit probe, and its load spends a tenth of the budget that every client behind the load balancer shares.
    memberJourney: false,
    rateLimitProbe: false,
    load: {
      paths: ['/health'],
      virtualUsers: 2,
      durationSeconds: 60,
      budgetShare: 0.1,
      thresholds: { p95Ms: 500, maxErrorRate: 0.005, minChecksRate: 0.995 },
    },
  },
  security: {
    neo4jRotationDays: 30,
    appSecretMaxAgeDays: 90,
    keyDeletionWindowDays: 30,
    requireRotation: true,
    waf: { enabled: true, rateLimitPer5Minutes: 2000, rateLimitExemptPaths: ['/health'], logRetentionDays: 365 },
  },
};
