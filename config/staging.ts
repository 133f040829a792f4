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
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 1,
    minCount: 1,
    maxCount: 2,
    cpuTargetPercent: 70,
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
    // What the app answers comes from the app contract (contracts/app.ts); these are staging's choices.
    // Staging has the app's dev setup: a test member per verify run is acceptable, and so is spending a window of the
    // shared rate-limit budget to find out how the app keys it.
    memberJourney: true,
    rateLimitProbe: true,
    load: {
      paths: ['/health'],
      virtualUsers: 2,
      durationSeconds: 30,
      // Half of one client's budget (25 of 50 requests a minute): api-health and smoke spend some of the rest.
      budgetShare: 0.5,
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
