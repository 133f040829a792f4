/**
 * The committed output of `npm run iam:policy` (generated/deployer-policies.json), typed. main.ts hands it to
 * the `global` stack, so the stack deploys exactly the reviewed documents; the drift test
 * (__tests__/iam/drift.test.ts) fails when they differ from what the current stacks need.
 * The JSON is bundled by esbuild at build time: nothing reads the file system at synth time.
 */
import committed from '../../generated/deployer-policies.json';
import { DeployerPolicySet } from './types';

export const committedDeployerPolicies = committed as unknown as DeployerPolicySet;
