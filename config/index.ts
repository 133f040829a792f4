import { globalConfig } from './global';
import { production } from './production';
import { staging } from './staging';
import { EnvironmentConfig, EnvironmentName } from './types';

export * from './types';
export { globalConfig };

/** Every deployable environment, in deploy order. */
export const environments: readonly EnvironmentConfig[] = [staging, production];

/** The environment named `name`, or a one-line error naming the known ones. */
export function environmentConfig(name: string): EnvironmentConfig {
  const found = environments.find((env) => env.name === (name as EnvironmentName));
  if (!found) throw new Error(`unknown stack "${name}" (known: ${environments.map((e) => e.name).join(', ')})`);
  return found;
}
export { validateEnvironments } from './validate';
