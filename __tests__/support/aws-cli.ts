/** The real AWS CLI against a moto server, as the workflows' scripts call it (the deploy tests run those scripts). */
import { spawnSync } from 'node:child_process';
import { MOTO_CLIENT_CONFIG } from './moto';

/** The environment the AWS CLI (and a script calling it) needs to reach moto: dummy keys, the region, no pager. */
export function awsCliEnvironment(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: MOTO_CLIENT_CONFIG.region,
    AWS_PAGER: '',
    ...extra,
  };
}

/** Runs `aws <args> --output json` against `endpoint`; its parsed answer, or a throw with its stderr. */
export function awsCli(endpoint: () => string): (...args: string[]) => any {
  return (...args) => {
    const run = spawnSync('aws', [...args, '--output', 'json'], {
      encoding: 'utf8',
      env: awsCliEnvironment(endpoint()),
    });
    if (run.status !== 0) throw new Error(`aws ${args.join(' ')}: ${run.stderr}`);
    return run.stdout ? JSON.parse(run.stdout) : {};
  };
}
