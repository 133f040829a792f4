/** STS: who the deployer is. */
import { ServiceActions } from '../types';
import { star } from './arns';

export const STS: ServiceActions = {
  'data.aws_caller_identity': { note: 'reads the account id', grants: [star('Identity', ['sts:GetCallerIdentity'])] },
};
