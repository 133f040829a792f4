/**
 * A stack's whole life against moto with this machine's terraform: init, apply (the AMI bake runs inside it, through
 * the stand-in's local-exec, exactly where production runs it), a second plan that must change nothing but the
 * reviewed moto artefacts, destroy. `MotoLifecycle` exposes the phases of one stack (the deploy rehearsal applies,
 * verifies, then destroys); `runLifecycles` runs them for several stacks in order and always attempts the destroys.
 *
 * Resources the stack protects with `prevent_destroy` (the Neo4j data volumes) are not destroyed: Terraform refuses,
 * as it must. The destroy phase forgets them (`terraform state rm`) and leaves them in moto; the report names them.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import * as path from 'node:path';
import { errorText } from '../../lib/errors';
import { resourceAddresses } from '../../lib/synth-output';
import { TerraformError } from './errors';
import type { LocalChange } from './local-copy';
import { AmiPlay, playAmiInstances, writeMotoBaseImages } from './moto-ami';
import {
  MOTO_CREDENTIALS,
  MOTO_EXCLUSIONS,
  MOTO_PLAN_ARTEFACTS,
  MOTO_SET_ASIDE,
  motoEnvironment,
  MotoExclusion,
} from './moto';
import { explainDiffs, PlanArtefact, planDiffs, ResourceDiff } from './plan-diff';
import type { SchemaGap } from './schema-gaps';
import type { ApplyResult, Terraform } from './terraform';
import { prepareWorkingCopy, WorkingCopy } from './working-copy';

export interface LifecycleOptions {
  /** The synthesized stack's folder: cdktf.out/stacks/<stack>. */
  readonly stackDir: string;
  /** An empty (or absent) folder inside the repository for the working copy (see WorkingCopyOptions.dir). */
  readonly workDir: string;
  /** The moto server's endpoint; start it with motoServerEnvironment(). */
  readonly motoEndpoint: string;
  /** @default MOTO_EXCLUSIONS */
  readonly exclusions?: readonly MotoExclusion[];
  /** @default MOTO_SET_ASIDE */
  readonly setAside?: readonly SchemaGap[];
  /** @default MOTO_PLAN_ARTEFACTS */
  readonly planArtefacts?: readonly PlanArtefact[];
  /** Stops the terraform run in progress. @default - none */
  readonly signal?: AbortSignal;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
  /** Bound of each apply, plan and destroy. @default 900000 */
  readonly phaseTimeoutMs?: number;
}

export interface PhaseTime {
  readonly phase: 'prepare' | 'init' | 'apply' | 'plan-again' | 'destroy';
  readonly seconds: number;
}

export interface SecondPlan {
  /** True when terraform would change anything (artefacts included). */
  readonly changes: boolean;
  /** Every resource it would change, with the attributes. */
  readonly diffs: readonly ResourceDiff[];
  /** What no reviewed artefact explains: a defect of the stack (must be empty). */
  readonly unexplained: readonly ResourceDiff[];
  /** The reviewed artefacts this plan showed. */
  readonly artefactsSeen: readonly PlanArtefact[];
}

export interface LifecycleReport {
  readonly stack: string;
  /** Resources in the product JSON (M). */
  readonly resources: number;
  /** Resources created by the apply, then destroyed (N). */
  readonly appliedAndDestroyed: number;
  readonly applied: number;
  readonly destroyed: number;
  /** Applied, protected by prevent_destroy: forgotten by the destroy phase and left in moto. */
  readonly keptProtected: readonly string[];
  /** Everything the copy changed: provider, backend, set-aside attributes, stand-ins, moto endpoints, exclusions. */
  readonly changes: readonly LocalChange[];
  readonly secondPlan?: SecondPlan;
  readonly phases: readonly PhaseTime[];
  /** The bake's resource inside the apply: its seconds, and the instances the AMI stand-in played. */
  readonly bake?: { readonly seconds: number; readonly play: AmiPlay };
  /** The slowest resources of the apply (address, seconds). */
  readonly slowest: readonly { readonly address: string; readonly seconds: number }[];
}

/** The environment a moto server needs for a lifecycle: AWS's managed policies loaded, the bake's base image present. */
export function motoServerEnvironment(scratchDir: string): Record<string, string> {
  const amis = path.join(scratchDir, 'moto-amis.json');
  writeMotoBaseImages(amis);
  return { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_AMIS_PATH: amis };
}

export class MotoLifecycle {
  readonly copy: WorkingCopy;
  readonly terraform: Terraform;
  private readonly phases: PhaseTime[] = [];
  private applyResult?: ApplyResult;
  private destroyResult?: ApplyResult;
  private play?: AmiPlay;
  private second?: SecondPlan;
  private kept: string[] = [];

  private constructor(private readonly options: LifecycleOptions) {
    const started = Date.now();
    this.copy = prepareWorkingCopy({
      stackDir: options.stackDir,
      dir: options.workDir,
      moto: {
        endpoint: options.motoEndpoint,
        exclusions: options.exclusions ?? MOTO_EXCLUSIONS,
        setAside: options.setAside ?? MOTO_SET_ASIDE,
      },
    });
    this.terraform = this.copy.terraform({ env: motoEnvironment(options.motoEndpoint), signal: options.signal });
    this.time('prepare', started);
  }

  /** Writes the working copy and runs `terraform init`. */
  static async prepare(options: LifecycleOptions): Promise<MotoLifecycle> {
    const lifecycle = new MotoLifecycle(options);
    const started = Date.now();
    await lifecycle.terraform.init();
    lifecycle.time('init', started);
    return lifecycle;
  }

  get stack(): string {
    return this.copy.stack;
  }

  /** `terraform apply`, with the AMI stand-in playing the bake's instances meanwhile. */
  async apply(): Promise<ApplyResult> {
    this.log(`${this.stack}: apply against ${this.options.motoEndpoint}`);
    const started = Date.now();
    const ec2 = new EC2Client({
      region: String(this.copy.copy.json.provider?.aws?.[0]?.region ?? 'af-south-1'),
      endpoint: this.options.motoEndpoint,
      credentials: { accessKeyId: MOTO_CREDENTIALS.accessKey, secretAccessKey: MOTO_CREDENTIALS.secretKey },
    });
    const stopPlaying = new AbortController();
    const playing = playAmiInstances(ec2, stopPlaying.signal);
    try {
      this.applyResult = await this.terraform.apply({ timeoutMs: this.bound() });
    } finally {
      stopPlaying.abort();
      this.play = await playing;
      ec2.destroy();
      this.time('apply', started);
    }
    return this.applyResult;
  }

  /**
   * The second `terraform plan`, saved and read back attribute by attribute: what it would change that no reviewed
   * moto artefact explains is a perpetual diff of the stack.
   */
  async planAgain(): Promise<SecondPlan> {
    this.log(`${this.stack}: plan again`);
    const started = Date.now();
    const planFile = path.join(this.copy.dir, 'second.tfplan');
    try {
      const plan = await this.terraform.plan({ out: planFile, timeoutMs: this.bound() });
      const diffs = plan.changes ? planDiffs(await this.terraform.show({ planFile })) : [];
      const explained = explainDiffs(diffs, this.options.planArtefacts ?? MOTO_PLAN_ARTEFACTS, this.copy.copy.json);
      this.second = { changes: plan.changes, diffs, ...explained, artefactsSeen: explained.seen };
    } finally {
      this.time('plan-again', started);
    }
    return this.second;
  }

  /** `terraform output -json`: the applied stack's outputs. */
  outputs(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    return this.terraform.output();
  }

  /**
   * Forgets the resources the stack protects with prevent_destroy, then `terraform destroy` (no refresh: the state is
   * fresh); afterwards the state must be empty.
   */
  async destroy(): Promise<ApplyResult> {
    this.log(`${this.stack}: destroy`);
    const started = Date.now();
    try {
      const inState = new Set(await this.terraform.stateList());
      this.kept = protectedAddresses(this.copy).filter((a) => inState.has(a));
      await this.terraform.stateRemove(this.kept);
      this.destroyResult = await this.terraform.destroy({ refresh: false, timeoutMs: this.bound() });
    } finally {
      this.time('destroy', started);
    }
    const left = await this.terraform.stateList();
    if (left.length > 0)
      throw new TerraformError(
        'failed',
        `${this.stack}: destroy left ${left.length} resource(s) in the state: ${left.slice(0, 5).join(', ')}`,
      );
    return this.destroyResult;
  }

  report(): LifecycleReport {
    const created = (this.applyResult?.completed ?? []).filter((c) => c.action === 'create');
    const destroyed = new Set(
      (this.destroyResult?.completed ?? []).filter((c) => c.action === 'delete').map((c) => c.address),
    );
    const bake = created.find((c) => c.address.startsWith('terraform_data.') && /ami/.test(c.address));
    return {
      stack: this.stack,
      resources: resourceAddresses(this.copy.product).length,
      applied: created.length,
      destroyed: destroyed.size,
      appliedAndDestroyed: created.filter((c) => destroyed.has(c.address)).length,
      keptProtected: [...this.kept],
      changes: this.copy.copy.changes,
      ...(this.second ? { secondPlan: this.second } : {}),
      phases: [...this.phases],
      ...(bake && this.play ? { bake: { seconds: bake.seconds, play: this.play } } : {}),
      slowest: [...created]
        .sort((a, b) => b.seconds - a.seconds)
        .slice(0, 5)
        .map(({ address, seconds }) => ({ address, seconds })),
    };
  }

  private bound(): number {
    return this.options.phaseTimeoutMs ?? 900_000;
  }

  private time(phase: PhaseTime['phase'], started: number): void {
    this.phases.push({ phase, seconds: (Date.now() - started) / 1000 });
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** Addresses of the copy's resources with lifecycle.prevent_destroy. */
function protectedAddresses(copy: WorkingCopy): string[] {
  return Object.entries(copy.copy.json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, body]) => (body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true)
      .map(([name]) => `${type}.${name}`),
  );
}

export interface LifecyclesOptions extends Omit<LifecycleOptions, 'stackDir' | 'workDir'> {
  /** In apply order (global before an environment, whose data sources read what global made). */
  readonly stacks: readonly { readonly stackDir: string; readonly workDir: string }[];
  /**
   * Runs once every stack applied and planned again, before the destroys (the rehearsal verifies here); a throw
   * counts as the run's failure, and the destroys still run. @default - nothing
   */
  readonly beforeDestroy?: (lifecycles: readonly MotoLifecycle[]) => Promise<void>;
}

/**
 * Each stack in order: init and apply; then each planned again; then `beforeDestroy`; then each destroyed in reverse
 * order. A destroy runs
 * for every stack that was prepared, also after a failure (a partial apply); the first failure is what is thrown.
 * Resolves with one report per stack, whose `secondPlan.unexplained` the caller judges.
 */
export async function runLifecycles(options: LifecyclesOptions): Promise<LifecycleReport[]> {
  const started: MotoLifecycle[] = [];
  let failure: unknown;
  try {
    for (const stack of options.stacks) {
      const lifecycle = await MotoLifecycle.prepare({ ...options, ...stack });
      started.push(lifecycle);
      await lifecycle.apply();
    }
    for (const lifecycle of started) await lifecycle.planAgain();
    await options.beforeDestroy?.(started);
  } catch (error) {
    failure = error;
    options.log?.(`lifecycle failed: ${errorText(error)}`);
  }
  for (const lifecycle of [...started].reverse()) {
    try {
      await lifecycle.destroy();
    } catch (error) {
      if (failure === undefined) failure = error;
      else options.log?.(`${lifecycle.stack}: destroy after the failure failed too: ${errorText(error)}`);
    }
  }
  if (failure !== undefined) throw failure;
  return started.map((l) => l.report());
}
