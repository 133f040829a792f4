/**
 * Types the providers compute themselves (no AWS call), and null_resource, whose local-exec command decides what it
 * needs (null-resource-commands.ts).
 */
import { ServiceActions } from '../types';
import { KNOWN_COMMANDS } from './null-resource-commands';

export const PROVIDER_COMPUTED: ServiceActions = {
  'data.aws_partition': { note: 'computed by the provider; no AWS call', grants: [] },
  'data.aws_region': { note: 'computed by the provider; no AWS call', grants: [] },
  random_password: { note: 'generated locally by the random provider; no AWS call', grants: [] },
  null_resource: { note: 'its local-exec command decides: see KNOWN_COMMANDS', grants: [], commands: KNOWN_COMMANDS },
};
