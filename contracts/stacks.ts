/**
 * The stacks' names: the environments (one stack each, built from config/<name>.ts) and the account-wide stack.
 * The gate, verify and the tools know the stacks by these names without reading config.
 */

/** The deployable environments, in deploy order; config/index.ts holds one config for each. */
export const ENVIRONMENT_NAMES = ['staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** The account-wide stack's name (`cdktf deploy global`). */
export const GLOBAL_STACK_NAME = 'global';

/** Every stack main.ts synthesizes. */
export const STACK_NAMES: readonly string[] = [GLOBAL_STACK_NAME, ...ENVIRONMENT_NAMES];
