/** The account-wide stack's name (`cdktf deploy global`); the environment stacks are named after config's environments. */
export const GLOBAL_STACK_NAME = 'global';
