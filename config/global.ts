import { APP_SOURCE } from '../contracts/app';
import { GlobalConfig } from './types';

export const globalConfig: GlobalConfig = {
  project: 'credex',
  region: 'af-south-1',
  state: { bucket: 'credex-terraform-state', region: 'af-south-1' },
  ecr: { repositoryName: 'credex-core', keepImages: 30, keepDeployedPerEnvironment: 10 },
  // The repository whose workflows assume the deploy roles: THIS infrastructure repository (deploy-staging.yml,
  // deploy-production.yml run terraform). credex-core builds and pushes the image and assumes none of these roles.
  githubRepository: 'Credex/credex-infra',
  // Its default branch: the weekly secret-age check runs there, with its own read-only role (no GitHub environment).
  defaultBranch: 'main',
  // The app repository's build pushes credex-core:<commit SHA> from its main branch with the push-only role.
  imagePush: { repository: APP_SOURCE.repository, branch: 'main' },
  amiRetention: 3,
  permissionsBoundaryName: 'credex-permissions-boundary',
  deployBranches: { staging: 'stage', production: 'prod' },
  auditTrail: { create: true, name: 'credex-audit', retentionDays: 365 },
};
