import { App, TerraformStack } from 'cdktf';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environments, globalConfig, validateEnvironments } from './config';
import { BUILD_SCRIPT_RELATIVE_PATH, buildScriptHashOf } from './contracts/ami';
import { GLOBAL_STACK_NAME } from './contracts/stacks';
import { withConstructStackTraces } from './lib/construct-stack-traces';
import { repoRoot } from './lib/paths';
import { stackFile, SYNTH_OUTDIR } from './lib/synth-output';
import { EnvironmentStack } from './constructs/environment-stack';
import { GlobalStack } from './constructs/global-stack';
import { parseDeployerPolicySet } from './contracts/deployer-policies';
import committedDeployerPolicies from './generated/deployer-policies.json';

export interface SynthesizedStack {
  /** Stack name, as in `cdktf deploy <name>`. */
  readonly name: string;
  /** Absolute path of the stack's cdk.tf.json. */
  readonly file: string;
}

export interface BuildOptions {
  /** @default 'cdktf.out' */
  readonly outdir?: string;
  /**
   * Image tag for both environments (the deploy workflow passes the commit SHA in CREDEX_IMAGE_TAG).
   * @default - each environment's configured imageTag
   */
  readonly imageTag?: string;
  /**
   * Record in each resource's `//.metadata.stackTrace` where it was created, so the gate's SARIF can point at
   * the TypeScript line (`npm run policy-check` sets it through CREDEX_STACK_TRACES=1).
   * @default false
   */
  readonly stackTraces?: boolean;
}

/** Builds the App: the account-wide `global` stack and one stack per environment, all from config. */
export function buildApp(options: BuildOptions = {}): App {
  return options.stackTraces ? withConstructStackTraces(() => build(options)) : build(options);
}

function build(options: BuildOptions): App {
  validateEnvironments(environments);
  const app = new App({ outdir: options.outdir ?? 'cdktf.out' });
  // The app reads the AMI install script once, here; constructs only receive its hash.
  const amiBuildScriptHash = buildScriptHashOf(readFileSync(path.join(repoRoot(), BUILD_SCRIPT_RELATIVE_PATH)));
  // The app only reads build outputs: the install script's bytes and the function package dev/build.js made.
  const neo4jRotationPackage = functionPackage(NEO4J_ROTATION_PACKAGE);
  new GlobalStack(app, GLOBAL_STACK_NAME, {
    global: globalConfig,
    deployerPolicies: parseDeployerPolicySet(committedDeployerPolicies),
    environmentRegions: Object.fromEntries(environments.map((env) => [env.name, env.region])),
  });
  for (const env of environments) {
    new EnvironmentStack(app, env.name, {
      env,
      global: globalConfig,
      imageTag: options.imageTag,
      amiBuildScriptHash,
      neo4jRotationPackage,
    });
  }
  return app;
}

/** The rotation function's package: dev/build.js zips it whenever it builds main.ts (npm run synth, cdktf's app). */
const NEO4J_ROTATION_PACKAGE = 'dist/functions/neo4j-rotation.zip';

/** The absolute path of a function package, or a one-line error saying how to build it. */
function functionPackage(relative: string): string {
  const file = path.join(repoRoot(), relative);
  if (!existsSync(file))
    throw new Error(`${relative} is missing: build it with "node dev/build.js main.ts" (npm run synth does)`);
  return file;
}

/** Synthesizes every stack to `<outdir>/stacks/<name>/cdk.tf.json` (the `cdktf synth` layout). */
export function synthesizeAll(outdir = SYNTH_OUTDIR): SynthesizedStack[] {
  const app = buildApp({ outdir });
  app.synth();
  const names = app.node.children.filter((c) => TerraformStack.isStack(c)).map((stack) => stack.node.id);
  return names.map((name) => ({ name, file: path.resolve(stackFile(outdir, name)) }));
}

if (require.main === module) {
  // `cdktf synth` passes its output folder in CDKTF_OUTDIR; `npm run synth` uses the default.
  try {
    buildApp({
      outdir: process.env.CDKTF_OUTDIR,
      imageTag: process.env.CREDEX_IMAGE_TAG || undefined,
      stackTraces: process.env.CREDEX_STACK_TRACES === '1',
    }).synth();
  } catch (error) {
    // Invalid config or props: one line naming the construct or config field, exit 2 (no stack trace).
    console.error(`synth: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exitCode = 2;
  }
}
