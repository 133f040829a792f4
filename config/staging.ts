import { EnvironmentConfig } from './types';

export const staging: EnvironmentConfig = {
  name: 'staging',
  nodeEnv: 'staging',
  region: 'af-south-1',
  network: {
    vpcCidr: '10.10.0.0/16',
    availabilityZones: ['af-south-1a', 'af-south-1b'],
    publicSubnetCidrs: ['10.10.0.0/24', '10.10.1.0/24'],
    privateSubnetCidrs: ['10.10.10.0/24', '10.10.11.0/24'],
    natGateways: 1,
    flowLogRetentionDays: 30,
    flowLogDailyIngestAlarmGiB: 0.5,
  },
  service: {
    imageTag: 'latest-staging',
    containerPort: 5000,
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 1,
    minCount: 1,
    maxCount: 2,
    cpuTargetPercent: 70,
    healthCheckPath: '/health',
    healthCheckGracePeriodSeconds: 60,
    enableExecuteCommand: true,
    logRetentionDays: 30,
    // Staging stays rolling (one task, test data); the alarms still roll a bad release back.
    deployment: { strategy: 'ROLLING', bakeTimeMinutes: 0, testListenerPort: 8443 },
  },
  loadBalancer: {
    httpOnlyReason:
      'staging has no public domain or ACM certificate yet; it carries test data only. Set domainName (or certificateArn) to serve HTTPS and redirect HTTP.',
    deletionProtection: false,
    accessLogRetentionDays: 30,
  },
  alarms: {},
  neo4j: {
    edition: 'community',
    version: '5.26.30',
    instanceType: 't3.medium',
    dataVolumeGiB: 20,
    backupRetentionDays: 7,
    secretName: 'neo4j_stage_secrets',
  },
  verify: {
    // credex-core's GET /health answers {"status":"ok"} when healthy; a 200 that says otherwise fails verify.
    health: { expectStatus: 200, jsonField: { path: 'status', equals: 'ok' } },
    smoke: [
      { name: 'health', method: 'GET', path: '/health', expectStatus: 200 },
      { name: 'unknown route is 404', method: 'GET', path: '/no-such-route', expectStatus: 404 },
    ],
    load: {
      paths: ['/health'],
      virtualUsers: 10,
      durationSeconds: 30,
      thresholds: { p95Ms: 800, maxErrorRate: 0.01, minChecksRate: 0.99 },
    },
  },
  security: {
    neo4jRotationDays: 30,
    appSecretMaxAgeDays: 180,
    keyDeletionWindowDays: 7,
    requireRotation: false,
    // Off in staging to save its cost (about $10 a month); set enabled: true to try rules before production.
    waf: { enabled: false, rateLimitPer5Minutes: 2000, rateLimitExemptPaths: ['/health'], logRetentionDays: 30 },
  },
};
