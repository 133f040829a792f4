import { App } from 'cdktf';
import * as path from 'node:path';
import { environments, globalConfig } from './config';
import { EnvironmentStack } from './constructs/environment-stack';
import { GlobalStack } from './constructs/global-stack';

export interface SynthesizedStack {
  /** Stack name, as in `cdktf deploy <name>`. */
  readonly name: string;
  /** Absolute path of the stack's cdk.tf.json. */
  readonly file: string;
}

/** Builds the App: the account-wide `global` stack and one stack per environment, all from config. */
export function buildApp(outdir = 'cdktf.out'): App {
  const app = new App({ outdir });
  new GlobalStack(app, 'global', { global: globalConfig });
  for (const env of environments) {
    new EnvironmentStack(app, env.name, { env, global: globalConfig });
  }
  return app;
}

/** Synthesizes every stack to `<outdir>/stacks/<name>/cdk.tf.json` (the `cdktf synth` layout). */
export function synthesizeAll(outdir = 'cdktf.out'): SynthesizedStack[] {
  const app = buildApp(outdir);
  app.synth();
  const names = ['global', ...environments.map((env) => env.name)];
  return names.map((name) => ({ name, file: path.resolve(outdir, 'stacks', name, 'cdk.tf.json') }));
}

if (require.main === module) {
  // `cdktf synth` passes its output folder in CDKTF_OUTDIR; `npm run synth` uses the default.
  buildApp(process.env.CDKTF_OUTDIR ?? 'cdktf.out').synth();
}
