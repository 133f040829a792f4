/**
 * Runs terraform in one working directory with bounded time and one-line errors: init, validate, plan, apply, show,
 * output, destroy, providers schema. Every run names the project's CLI configuration (TF_CLI_CONFIG_FILE, so the
 * provider comes from the machine's mirror or the plugin cache) and gets an environment built from PATH, HOME and
 * what the caller passes: credentials in the caller's own environment never reach it.
 *
 * A run that passes its bound, or whose signal fires, gets SIGINT (terraform stops gracefully and keeps its state),
 * then SIGKILL for the whole process group (terraform and its provider plugins) after a grace period.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { oneLine } from '../../lib/errors';
import { TerraformError } from './errors';
import { cliConfigFile } from './local-provider';

export interface TerraformOptions {
  /** The working directory: a working copy (./working-copy.ts) or any folder of Terraform files. */
  readonly dir: string;
  /** TF_CLI_CONFIG_FILE of every run. @default - cliConfigFile(): the one `npm run setup` writes */
  readonly cliConfigFile?: string;
  /** Added to every run's environment: AWS endpoint and dummy credentials, TF_VAR_ values. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'terraform' (on PATH) */
  readonly binary?: string;
  /** Stops the run in progress when it fires (interrupt, the caller's deadline). @default - none */
  readonly signal?: AbortSignal;
  /** Seconds between SIGINT and SIGKILL when a run is stopped. @default 20 */
  readonly graceSeconds?: number;
}

/** One of terraform's diagnostics (validate -json, or a `diagnostic` line of the machine-readable UI). */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  /** The resource address, when terraform names one. */
  readonly address?: string;
  /** Where in the files: `main.tf.json:1699 (resource.aws_x.y.environment)`, when terraform says. */
  readonly where?: string;
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly seconds: number;
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

/** A resource change terraform plans (planned_change) or reports outside Terraform (resource_drift). */
export interface PlannedChange {
  readonly address: string;
  /** create, update, delete, replace, read, noop, ... */
  readonly action: string;
}

export interface PlanResult {
  /** True when the plan would change something (exit 2 of -detailed-exitcode). */
  readonly changes: boolean;
  readonly summary: ChangeSummary;
  readonly planned: readonly PlannedChange[];
  readonly drift: readonly PlannedChange[];
  readonly warnings: readonly Diagnostic[];
  readonly seconds: number;
}

export interface ApplyResult {
  readonly summary: ChangeSummary;
  /** Every resource whose create/update/delete completed, with the seconds terraform reports for it. */
  readonly completed: readonly { readonly address: string; readonly action: string; readonly seconds: number }[];
  readonly warnings: readonly Diagnostic[];
  readonly seconds: number;
}

export interface RunBound {
  /** @default 600000 (init, validate, show, output: 120000) */
  readonly timeoutMs?: number;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

const SHORT_MS = 120_000;
const LONG_MS = 600_000;
const NO_CHANGES: ChangeSummary = { add: 0, change: 0, remove: 0 };

export class Terraform {
  readonly dir: string;
  private readonly configFile: string;

  constructor(private readonly options: TerraformOptions) {
    this.dir = path.resolve(options.dir);
    this.configFile = options.cliConfigFile ?? cliConfigFile();
  }

  /** `terraform init`; `backend: false` for a folder whose backend must not be touched. */
  async init(opts: RunBound & { readonly backend?: boolean } = {}): Promise<{ seconds: number }> {
    const args = ['init', '-input=false', '-no-color', ...(opts.backend === false ? ['-backend=false'] : [])];
    const ran = await this.run(args, opts.timeoutMs ?? SHORT_MS);
    if (ran.code !== 0) throw this.failure('init', textError(ran));
    return { seconds: ran.seconds };
  }

  /** `terraform validate -json`: the verdict and every diagnostic (a failed validation is a result, not an error). */
  async validate(opts: RunBound = {}): Promise<ValidateResult> {
    const ran = await this.run(['validate', '-json', '-no-color'], opts.timeoutMs ?? SHORT_MS);
    let parsed: { valid?: boolean; diagnostics?: RawDiagnostic[] };
    try {
      parsed = JSON.parse(ran.stdout) as typeof parsed;
    } catch {
      throw this.failure('validate', textError(ran));
    }
    return {
      valid: parsed.valid === true,
      diagnostics: (parsed.diagnostics ?? []).map(diagnostic),
      seconds: ran.seconds,
    };
  }

  /**
   * `terraform plan -detailed-exitcode`: whether anything would change, and what. `out` saves the plan file.
   * @throws TerraformError `failed` with terraform's first error
   */
  async plan(opts: RunBound & { readonly out?: string; readonly destroy?: boolean } = {}): Promise<PlanResult> {
    const args = ['plan', '-json', '-input=false', '-detailed-exitcode', '-lock-timeout=60s'];
    if (opts.destroy) args.push('-destroy');
    if (opts.out) args.push(`-out=${opts.out}`);
    const ran = await this.run(args, opts.timeoutMs ?? LONG_MS);
    const ui = machineReadable(ran.stdout);
    if (ran.code !== 0 && ran.code !== 2) throw this.failure('plan', firstError(ui, ran));
    return {
      changes: ran.code === 2,
      summary: ui.summary ?? NO_CHANGES,
      planned: ui.planned,
      drift: ui.drift,
      warnings: ui.diagnostics.filter((d) => d.severity === 'warning'),
      seconds: ran.seconds,
    };
  }

  /** `terraform apply` of a saved plan file, or of a fresh plan (auto-approved) when none is given. */
  async apply(opts: RunBound & { readonly planFile?: string } = {}): Promise<ApplyResult> {
    const args = ['apply', '-json', '-input=false', '-lock-timeout=60s'];
    args.push(...(opts.planFile ? [opts.planFile] : ['-auto-approve']));
    return this.applying('apply', args, opts.timeoutMs ?? LONG_MS);
  }

  /** `terraform destroy -auto-approve`; `refresh: false` trusts the state (fresh from an apply or plan). */
  async destroy(opts: RunBound & { readonly refresh?: boolean } = {}): Promise<ApplyResult> {
    const args = ['destroy', '-json', '-input=false', '-auto-approve', '-lock-timeout=60s'];
    if (opts.refresh === false) args.push('-refresh=false');
    return this.applying('destroy', args, opts.timeoutMs ?? LONG_MS);
  }

  /** `terraform show -json` of the state, or of a saved plan file. */
  async show(opts: RunBound & { readonly planFile?: string } = {}): Promise<unknown> {
    const ran = await this.run(
      ['show', '-json', '-no-color', ...(opts.planFile ? [opts.planFile] : [])],
      opts.timeoutMs ?? SHORT_MS,
    );
    if (ran.code !== 0) throw this.failure('show', textError(ran));
    return this.parse('show', ran.stdout);
  }

  /** `terraform output -json`: name -> { value, type, sensitive }. */
  async output(opts: RunBound = {}): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    const ran = await this.run(['output', '-json', '-no-color'], opts.timeoutMs ?? SHORT_MS);
    if (ran.code !== 0) throw this.failure('output', textError(ran));
    return this.parse('output', ran.stdout) as Record<string, { value: unknown; sensitive: boolean }>;
  }

  /** `terraform state list`: every address in the state. */
  async stateList(opts: RunBound = {}): Promise<string[]> {
    const ran = await this.run(['state', 'list', '-no-color'], opts.timeoutMs ?? SHORT_MS);
    if (ran.code !== 0) {
      // A folder that never applied has no state: nothing in it.
      if (/No state file was found/i.test(ran.stderr)) return [];
      throw this.failure('state list', textError(ran));
    }
    return ran.stdout.split('\n').filter((l) => l.trim() !== '');
  }

  /** `terraform state rm`: forgets resources without destroying them. */
  async stateRemove(addresses: readonly string[], opts: RunBound = {}): Promise<void> {
    if (addresses.length === 0) return;
    const ran = await this.run(
      ['state', 'rm', '-no-color', '-lock-timeout=60s', ...addresses],
      opts.timeoutMs ?? SHORT_MS,
    );
    if (ran.code !== 0) throw this.failure('state rm', textError(ran));
  }

  /** `terraform providers schema -json` (needs init). */
  async providersSchema(opts: RunBound = {}): Promise<ProvidersSchema> {
    const ran = await this.run(['providers', 'schema', '-json'], opts.timeoutMs ?? SHORT_MS);
    if (ran.code !== 0) throw this.failure('providers schema', textError(ran));
    return this.parse('providers schema', ran.stdout) as ProvidersSchema;
  }

  private async applying(command: string, args: string[], timeoutMs: number): Promise<ApplyResult> {
    const ran = await this.run(args, timeoutMs);
    const ui = machineReadable(ran.stdout);
    if (ran.code !== 0) throw this.failure(command, firstError(ui, ran));
    return {
      summary: ui.summary ?? NO_CHANGES,
      completed: ui.completed,
      warnings: ui.diagnostics.filter((d) => d.severity === 'warning'),
      seconds: ran.seconds,
    };
  }

  private parse(command: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw this.failure(command, `unreadable JSON answer: ${oneLine(text).slice(0, 200)}`);
    }
  }

  private failure(command: string, reason: string): TerraformError {
    return new TerraformError('failed', `terraform ${command} in ${this.dir}: ${reason}`);
  }

  private environment(): NodeJS.ProcessEnv {
    const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SSL_CERT_FILE', 'AWS_CA_BUNDLE'];
    const env: NodeJS.ProcessEnv = {};
    for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
    return {
      ...env,
      TF_CLI_CONFIG_FILE: this.configFile,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      ...this.options.env,
    };
  }

  private run(args: string[], timeoutMs: number): Promise<Ran> {
    const binary = this.options.binary ?? 'terraform';
    const command = args.slice(0, args[0] === 'providers' || args[0] === 'state' ? 2 : 1).join(' ');
    const signal = this.options.signal;
    if (signal?.aborted)
      return Promise.reject(new TerraformError('interrupted', `terraform ${command}: interrupted before it started`));
    // spawn reports a missing working directory as ENOENT, as if terraform were missing: say which it is.
    if (!existsSync(this.dir))
      return Promise.reject(new TerraformError('input', `terraform ${command}: no folder ${this.dir}`));
    const started = Date.now();
    return new Promise<Ran>((resolve, reject) => {
      // Its own process group: a stop reaches the provider plugins terraform started too.
      const child = spawn(binary, args, {
        cwd: this.dir,
        env: this.environment(),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      let stopped: 'timeout' | 'interrupted' | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = (why: 'timeout' | 'interrupted') => {
        if (stopped || child.exitCode !== null) return;
        stopped = why;
        group(child.pid, 'SIGINT');
        killTimer = setTimeout(() => group(child.pid, 'SIGKILL'), (this.options.graceSeconds ?? 20) * 1000);
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = () => stop('interrupted');
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        done();
        reject(
          error.code === 'ENOENT'
            ? new TerraformError('setup', `"${binary}" not found on PATH: install terraform >= 1.10`)
            : new TerraformError('failed', `terraform ${command}: ${error.message}`),
        );
      });
      child.on('close', (code) => {
        done();
        const seconds = (Date.now() - started) / 1000;
        if (stopped === 'timeout')
          return reject(
            new TerraformError(
              'timeout',
              `terraform ${command} in ${this.dir}: no answer within ${Math.round(timeoutMs / 1000)} s (stopped)`,
            ),
          );
        if (stopped === 'interrupted')
          return reject(new TerraformError('interrupted', `terraform ${command} in ${this.dir}: interrupted`));
        resolve({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          seconds,
        });
      });
    });
  }
}

function group(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The subset of `terraform providers schema -json` the schema-gap check reads. */
export interface ProvidersSchema {
  readonly provider_schemas: Record<
    string,
    {
      readonly provider?: { readonly block: SchemaBlock };
      readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
      readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
    }
  >;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, { readonly nested_type?: { readonly attributes: SchemaBlock['attributes'] } }>;
  readonly block_types?: Record<string, { readonly block: SchemaBlock }>;
}

interface RawDiagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  address?: string;
  range?: { filename?: string; start?: { line?: number } };
  snippet?: { context?: string | null };
}

function diagnostic(raw: RawDiagnostic): Diagnostic {
  const file = raw.range?.filename ? `${raw.range.filename}:${raw.range.start?.line ?? '?'}` : undefined;
  const where = file && raw.snippet?.context ? `${file} (${raw.snippet.context})` : file;
  return {
    severity: raw.severity === 'warning' ? 'warning' : 'error',
    summary: raw.summary ?? '(no summary)',
    ...(raw.detail ? { detail: raw.detail } : {}),
    ...(raw.address ? { address: raw.address } : {}),
    ...(where ? { where } : {}),
  };
}

/** One line for a diagnostic: summary, the detail's first line, the address (else where in the files). */
export function describeDiagnostic(d: Diagnostic): string {
  const detail = d.detail ? `: ${oneLine(d.detail).slice(0, 300)}` : '';
  const at = d.address ?? d.where;
  return `${d.summary}${detail}${at ? ` (${at})` : ''}`;
}

interface MachineReadable {
  diagnostics: Diagnostic[];
  summary?: ChangeSummary;
  planned: PlannedChange[];
  drift: PlannedChange[];
  completed: { address: string; action: string; seconds: number }[];
}

/** Terraform's machine-readable UI (-json): one JSON object per line. */
function machineReadable(stdout: string): MachineReadable {
  const ui: MachineReadable = { diagnostics: [], planned: [], drift: [], completed: [] };
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let m: {
      type?: string;
      diagnostic?: RawDiagnostic;
      changes?: ChangeSummary;
      change?: { resource?: { addr?: string }; action?: string };
      hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
    };
    try {
      m = JSON.parse(line) as typeof m;
    } catch {
      continue;
    }
    if (m.type === 'diagnostic' && m.diagnostic) ui.diagnostics.push(diagnostic(m.diagnostic));
    else if (m.type === 'change_summary' && m.changes)
      ui.summary = { add: m.changes.add ?? 0, change: m.changes.change ?? 0, remove: m.changes.remove ?? 0 };
    else if ((m.type === 'planned_change' || m.type === 'resource_drift') && m.change?.resource?.addr)
      (m.type === 'planned_change' ? ui.planned : ui.drift).push({
        address: m.change.resource.addr,
        action: m.change.action ?? 'unknown',
      });
    else if (m.type === 'apply_complete' && m.hook?.resource?.addr)
      ui.completed.push({
        address: m.hook.resource.addr,
        action: m.hook.action ?? 'unknown',
        seconds: m.hook.elapsed_seconds ?? 0,
      });
  }
  return ui;
}

function firstError(ui: MachineReadable, ran: Ran): string {
  const error = ui.diagnostics.find((d) => d.severity === 'error');
  return error ? describeDiagnostic(error) : textError(ran);
}

/**
 * The first `Error: ...` of terraform's output (with its next line of detail), else its last line. Lines of the
 * machine-readable UI count by their message.
 */
function textError(ran: Ran): string {
  const lines = `${ran.stderr}\n${ran.stdout}`
    .split('\n')
    .flatMap((line) => (line.startsWith('{') ? uiMessage(line).split('\n') : [line]))
    .map((l) => l.replace(/^[│╷╵\s]+/, '').trim())
    .filter((l) => l !== '');
  const at = lines.findIndex((l) => l.startsWith('Error:'));
  if (at >= 0) return [lines[at], lines[at + 1]].filter(Boolean).join(' ').slice(0, 400);
  return (lines.at(-1) ?? `exit ${ran.code}`).slice(0, 400);
}

function uiMessage(line: string): string {
  try {
    return String((JSON.parse(line) as { '@message'?: unknown })['@message'] ?? '');
  } catch {
    return line;
  }
}
