import { GlobalConfig } from './types';

export const globalConfig: GlobalConfig = {
  project: 'credex',
  region: 'af-south-1',
  state: { bucket: 'credex-terraform-state', region: 'af-south-1' },
  ecr: { repositoryName: 'credex-core', keepImages: 30, keepDeployedPerEnvironment: 10 },
  githubRepository: 'Credex/credex-core',
  amiRetention: 3,
  permissionsBoundaryName: 'credex-permissions-boundary',
  deployBranches: { staging: 'stage', production: 'prod' },
  auditTrail: { create: true, name: 'credex-audit', retentionDays: 365 },
};
