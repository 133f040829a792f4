/** Shared shapes of verify/: step names, results, failure kinds and the inputs every step receives. */
import type { EnvironmentConfig } from '../config';

/** The checks, in the order the runner sequences them. */
export const STEP_NAMES = [
  'outputs',
  'ecs-stable',
  'target-health',
  // Before the API checks: they are worth little if the API's name points at another system.
  'dns',
  'api-health',
  'neo4j',
  'secret-age',
  'smoke',
  'load',
  // Last: it spends a whole window of the app's rate-limit budget, which nothing after it could use.
  'rate-limit',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type StepStatus = 'passed' | 'failed' | 'skipped';

/**
 * What kind of failure a step met: a field end to end (StepFailure.kind -> StepResult.failureKind -> report.json);
 * messages start with its label (kindLabel, written from the kind, never parsed back) so a reader can tell them apart.
 * - timeout: the condition was not met before the step's timeout (the service answered, just not "ready")
 * - refused: connection refused / host unreachable (nothing listening, DNS failed, server down)
 * - auth: the server rejected the credentials
 * - expired-credentials: the credentials are valid but must be changed before use (Neo4j CredentialsExpired)
 * - wrong-answer: the service answered, with something other than what this deploy expects
 * - missing: an input is absent (an output, a secret, a secret key)
 * - tls: the TLS handshake failed (the reason says why: self-signed, expired, wrong host, not TLS)
 * - redirect-loop: the server redirected back to a URL already visited (or more than 5 times)
 * - too-large: the answer was larger than verify reads (the body is cut at the documented limit)
 * - rate-limited: the app refused requests with 429: what was measured is its limiter, not the app
 * - error: anything else (an unexpected API error)
 */
export type FailureKind =
  | 'timeout'
  | 'refused'
  | 'auth'
  | 'expired-credentials'
  | 'wrong-answer'
  | 'missing'
  | 'tls'
  | 'redirect-loop'
  | 'too-large'
  | 'rate-limited'
  | 'error';

export type FigureValue = string | number | boolean;
export type Figures = Record<string, FigureValue>;

export interface StepResult {
  readonly step: StepName;
  readonly status: StepStatus;
  /** Wall time of the step in milliseconds. */
  readonly duration: number;
  /** Key measurements (counts, latencies, versions); never secrets. */
  readonly figures: Figures;
  /** One line: what was checked, or what failed, where, and which kind of failure. */
  readonly message: string;
  readonly failureKind?: FailureKind;
  /**
   * What the step learned about the app that its operators must know, whatever the verdict (e.g. "all clients behind
   * the load balancer share one rate-limit budget"): one sentence each, listed in the report.
   */
  readonly findings?: readonly string[];
}

/** The stack outputs verify reads (see contracts/outputs.ts for the Terraform names). */
export interface StackOutputs {
  readonly region?: string;
  readonly clusterName?: string;
  readonly serviceName?: string;
  readonly taskDefinitionArn?: string;
  readonly image?: string;
  readonly targetGroupArn?: string;
  readonly loadBalancerDns?: string;
  readonly apiUrl?: string;
  readonly healthPath?: string;
  readonly appSecretArn?: string;
  readonly neo4jSecretArn?: string;
  /** Where they were read from (a path), for messages. */
  readonly source: string;
}

export type LoadEngineName = 'k6' | 'embedded';

/** Everything a step may use. Steps take what they need and report a `missing` failure for what is absent. */
export interface StepContext {
  readonly outputs: StackOutputs;
  /** The environment's config; absent when verify runs without --stack (e.g. --only api-health --api-url). */
  readonly env?: EnvironmentConfig;
  /** The step's time budget in milliseconds. */
  readonly timeoutMs: number;
  /** AWS endpoint override (moto, LocalStack); undefined means the real AWS endpoints. */
  readonly endpointUrl?: string;
  /** The API base URL: --api-url, else the api_url output, else http://<load_balancer_dns>. */
  readonly apiUrl?: string;
  /** Forced load engine; undefined picks k6 when on PATH, else the embedded engine. */
  readonly loadEngine?: LoadEngineName;
  /** Folder for the report and step artefacts (e.g. the k6 summary). */
  readonly reportDir: string;
  /**
   * Bolt host:port per space ('ledgerspace', 'searchspace') replacing the address in the secret, e.g. the local
   * end of an SSM port-forwarding session when verify runs outside the VPC. Credentials still come from the secret.
   */
  readonly neo4jAddresses?: Readonly<Record<string, string>>;
  /**
   * Aborts when the step's deadline passes (timeoutMs from its start) or the run is interrupted: every AWS, HTTP and
   * Bolt call of the step takes it. @default - a deadline of timeoutMs from when the step reads it
   */
  readonly signal?: AbortSignal;
  /** Tells the progress what the step waits for now (its heartbeat line shows it). @default - nothing told */
  readonly waiting?: (text: string) => void;
}
