/**
 * The app contract: what the credex-core API (Great-Sun-Group/credex-core; the snapshot this was read from is
 * `../shared/credex-core`, see its PROVENANCE.md) needs from the estate and what it answers. Every fact names the
 * file of the app it was read from (`readIn`), so a new app version is checked against it file by file.
 *
 * Consumers, each derived from here (a test fails when one drifts): the task definition's plain variables and secrets
 * (constructs/service.ts, app-secrets.ts, neo4j-connection-secret.ts), the listening port (container port, target
 * group, security groups) and the health check (constructs/load-balancer.ts), the app-secret keys the deploy workflow
 * writes (.github/workflows/deploy.yml), verify's expectations (verify/expectations.ts) and the README's table.
 */
import { type Neo4jSecretKey, NEO4J_SECRET_KEY_NAMES } from './neo4j';

/** The snapshot the contract was read from. */
export const APP_SOURCE = {
  repository: 'Great-Sun-Group/credex-core',
  commit: '29222a8d90d24d8aeb1dc5d164b6bce7a98becce',
} as const;

/**
 * The port the API listens on: the task definition sets PORT to it (the app's own default is 3000, read in
 * src/utils/serverSetup.ts), and the container port, target group, health check and security groups use it.
 */
export const APP_PORT = 5000;

/** Where the value of a variable comes from. */
export type AppVariableSource =
  /** A plain `environment` entry of the task definition: the environment's NODE_ENV, or APP_PORT. */
  | { readonly kind: 'plain'; readonly value: 'node-env' | 'port' }
  /** The key of the same name in the app secret `credex-core/<env>/app`, written by the deploy workflow. */
  | { readonly kind: 'app-secret' }
  /** A key of the Neo4j connection secret (`neo4j_stage_secrets` / `neo4j_prod_secrets`), written by Terraform. */
  | { readonly kind: 'neo4j-secret'; readonly key: Neo4jSecretKey }
  /** Read by the app but deliberately not set: the app's default is the right value. */
  | { readonly kind: 'not-set'; readonly why: string };

export interface AppVariable {
  readonly name: string;
  readonly source: AppVariableSource;
  /** The app exits at start-up without it ("Missing required environment variables: ..."). */
  readonly required: boolean;
  /** The files of the app that read it. */
  readonly readIn: readonly string[];
  readonly meaning: string;
}

const neo4jVariable = (key: Neo4jSecretKey, meaning: string): AppVariable => ({
  name: NEO4J_SECRET_KEY_NAMES[key],
  source: { kind: 'neo4j-secret', key },
  required: true,
  readIn: ['config/config.ts', 'src/utils/configUtils.ts'],
  meaning,
});

/** Every environment variable the app reads, and where the estate takes each value from. */
export const APP_VARIABLES: readonly AppVariable[] = [
  {
    name: 'NODE_ENV',
    source: { kind: 'plain', value: 'node-env' },
    required: true,
    readIn: ['config/config.ts', 'src/middleware/securityConfig.ts', 'src/core-cron/DCO/DBinitialization.ts'],
    meaning:
      '`production` hides the dev routes (/v1/devadmin/*, src/index.ts through the config) and adds file logs; anything else keeps them',
  },
  {
    name: 'PORT',
    source: { kind: 'plain', value: 'port' },
    required: false,
    readIn: ['src/utils/serverSetup.ts', 'config/config.ts'],
    meaning: 'the listening port; the app defaults to 3000, so the estate sets it explicitly',
  },
  neo4jVariable('ledgerspacebolturl', 'Bolt URL of the LedgerSpace host'),
  neo4jVariable('ledgerspaceuser', 'LedgerSpace user'),
  neo4jVariable('ledgerspacepass', 'LedgerSpace password'),
  neo4jVariable('searchspacebolturl', 'Bolt URL of the SearchSpace host'),
  neo4jVariable('searchspaceuser', 'SearchSpace user'),
  neo4jVariable('searchspacepass', 'SearchSpace password'),
  {
    name: 'OPEN_EXCHANGE_RATES_API',
    source: { kind: 'app-secret' },
    required: true,
    readIn: ['config/config.ts', 'src/core-cron/DCO/DCOexecute.ts', 'src/core-cron/DCO/DBinitialization.ts'],
    meaning: 'openexchangerates.org app id for the daily rates',
  },
  {
    name: 'JWT_SECRET',
    source: { kind: 'app-secret' },
    required: true,
    readIn: ['config/config.ts', 'config/authenticate.ts'],
    meaning: 'signs and checks the members’ tokens',
  },
  {
    name: 'CLIENT_API_KEY',
    source: { kind: 'app-secret' },
    required: true,
    readIn: ['config/config.ts'],
    meaning: 'the key of the app’s authorized clients (required at start-up; this version reads it nowhere else)',
  },
  {
    name: 'HOST',
    source: { kind: 'not-set', why: 'the default 0.0.0.0 is what an awsvpc task needs' },
    required: false,
    readIn: ['src/utils/serverSetup.ts'],
    meaning: 'the listening address',
  },
  {
    name: 'LOG_LEVEL',
    source: { kind: 'not-set', why: 'only printed at start; the level follows NODE_ENV' },
    required: false,
    readIn: ['src/utils/serverSetup.ts', 'src/utils/configUtils.ts'],
    meaning: 'printed in the start-up log',
  },
  {
    name: 'RATE_LIMIT_WINDOW_MS',
    source: { kind: 'not-set', why: 'read into a config object the limiter never uses' },
    required: false,
    readIn: ['src/utils/configUtils.ts'],
    meaning: 'ignored: the limiter has its window in code (src/middleware/rateLimiter.ts)',
  },
  {
    name: 'RATE_LIMIT_MAX',
    source: { kind: 'not-set', why: 'read into a config object the limiter never uses' },
    required: false,
    readIn: ['src/utils/configUtils.ts'],
    meaning: 'ignored: the limiter has its limit in code (src/middleware/rateLimiter.ts)',
  },
];

/** Keys the deploy workflow once wrote to the app secret and no longer does, with why. */
export const RETIRED_APP_SECRET_KEYS: readonly { readonly name: string; readonly why: string }[] = [
  {
    name: 'WHATSAPP_BOT_API_KEY',
    why: 'the app stopped reading it in commit 080ebc4 (2024-10-12, "whatsapp key removed"); the next deploy writes the app secret without it',
  },
];

/** The variables the task definition sets, in the order the container gets them. */
export const APP_SET_VARIABLES: readonly AppVariable[] = APP_VARIABLES.filter((v) => v.source.kind !== 'not-set');

/** The keys of the app secret `credex-core/<env>/app`: exactly what the deploy workflow writes. */
export const APP_SECRET_KEYS: readonly string[] = APP_VARIABLES.filter((v) => v.source.kind === 'app-secret').map(
  (v) => v.name,
);

/** The variables the app exits without. */
export const APP_REQUIRED_VARIABLES: readonly string[] = APP_VARIABLES.filter((v) => v.required).map((v) => v.name);

/** The plain (non-secret) variables of the task definition, with their values for one environment. */
export function appPlainVariables(values: {
  readonly nodeEnv: string;
  readonly port: number;
}): { name: string; value: string }[] {
  return APP_SET_VARIABLES.flatMap((v) =>
    v.source.kind === 'plain'
      ? [{ name: v.name, value: v.source.value === 'node-env' ? values.nodeEnv : String(values.port) }]
      : [],
  );
}

/** A secret variable of the task definition: which secret it is read from, and the JSON key in it. */
export interface AppSecretVariable {
  readonly name: string;
  readonly secret: 'app' | 'neo4j';
  readonly jsonKey: string;
}

/** The secret variables of the task definition, in the contract's order. */
export function appSecretVariables(): AppSecretVariable[] {
  return APP_SET_VARIABLES.flatMap((v): AppSecretVariable[] => {
    if (v.source.kind === 'app-secret') return [{ name: v.name, secret: 'app', jsonKey: v.name }];
    if (v.source.kind === 'neo4j-secret') return [{ name: v.name, secret: 'neo4j', jsonKey: v.source.key }];
    return [];
  });
}

/** What the health path answers when the app is healthy. */
export const APP_HEALTH = {
  path: '/health',
  status: 200,
  /** The JSON body's field and its value. */
  jsonField: { path: 'status', equals: 'healthy' },
  readIn: 'src/index.ts',
} as const;

/**
 * The app's rate limit, as the code does it (express-rate-limit 7, memory store, one window per key starting at its
 * first request). What a client really gets is `limit / hitsPerRequest` requests a window.
 */
export const APP_RATE_LIMIT = {
  /** X-RateLimit-Limit: hits a key may spend per window. */
  limit: 100,
  windowSeconds: 60,
  /**
   * Hits each request spends: the same limiter is mounted twice (applySecurityMiddleware in
   * src/middleware/securityConfig.ts and app.use(rateLimiter) in src/index.ts), so every request counts twice.
   */
  hitsPerRequest: 2,
  /** Status and body of a refused request. */
  status: 429,
  body: 'Too many requests, please try again later',
  /**
   * The key: the member id, else `req.ip`. The limiter runs before the authentication (which sets the member), so
   * the member id is never there: the key is always `req.ip`, and with no `trust proxy` that is the socket address
   * (behind the load balancer: the load balancer node's address, the same for every client).
   */
  key: 'socket-address',
  /** Every route counts, the health path included (the load balancer's health checks spend it too). */
  appliesTo: 'every route, /health included',
  readIn: ['src/middleware/rateLimiter.ts', 'src/middleware/securityConfig.ts', 'src/index.ts'],
} as const;

/** Requests one client address may send per window before the app answers 429. */
export const APP_REQUESTS_PER_WINDOW = Math.floor(APP_RATE_LIMIT.limit / APP_RATE_LIMIT.hitsPerRequest);

/** One public route and its real answer, for verify's smoke step. */
export interface AppRoute {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly status: number;
  /** Fragments the body contains. */
  readonly bodyIncludes: readonly string[];
  readonly readIn: readonly string[];
}

/**
 * Routes anyone may call, with the answer the app really gives; none of them writes anything. An unknown route
 * answers 401 (the authentication middleware is mounted after the routes and catches every path no route matched),
 * not 404.
 */
export const APP_PUBLIC_ROUTES: readonly AppRoute[] = [
  {
    name: 'health',
    method: 'GET',
    path: APP_HEALTH.path,
    status: APP_HEALTH.status,
    bodyIncludes: ['"status":"healthy"'],
    readIn: ['src/index.ts'],
  },
  {
    name: 'unknown route answers 401 from the auth middleware',
    method: 'GET',
    path: '/no-such-route',
    status: 401,
    bodyIncludes: ['Authentication required'],
    readIn: ['src/middleware/securityConfig.ts', 'src/middleware/authMiddleware.ts'],
  },
  {
    name: 'login validates the phone number',
    method: 'POST',
    path: '/v1/login',
    body: { phone: 'not-a-phone' },
    status: 400,
    bodyIncludes: ['Invalid phone number'],
    readIn: ['src/api/Member/memberRoutes.ts', 'src/middleware/validateRequest.ts'],
  },
  {
    // Reads the ledger: a database the app cannot reach answers "Internal server error" with the same status.
    name: 'login of an unknown member reads the ledger',
    method: 'POST',
    path: '/v1/login',
    body: { phone: '15550100000' },
    status: 400,
    bodyIncludes: ['Member not found'],
    readIn: ['src/api/Member/controllers/loginMember.ts', 'src/api/Member/services/LoginMember.ts'],
  },
  {
    name: 'API documentation',
    method: 'GET',
    path: '/api-docs/',
    status: 200,
    bodyIncludes: ['swagger-ui'],
    readIn: ['src/index.ts'],
  },
];

/**
 * The member journey of verify's smoke step where the environment has the dev setup (staging): onboard a test
 * member, log in, read the dashboard with the token. Sketched by the seed's own post-deploy tests (commit b1e0533,
 * terraform/post_deployment_tests.js: login, then the member dashboard) and the app's tests/api/utils/auth.ts.
 */
export const APP_MEMBER_JOURNEY = {
  onboard: { path: '/v1/onboardMember', status: 201, readIn: 'src/api/Member/controllers/onboardMember.ts' },
  login: { path: '/v1/login', status: 200, readIn: 'src/api/Member/controllers/loginMember.ts' },
  dashboard: {
    path: '/v1/getMemberDashboardByPhone',
    status: 200,
    readIn: 'src/api/Member/controllers/getMemberDashboardByPhone.ts',
  },
  /**
   * An unknown route with the member's token: the auth middleware accepts the token (JWT_SECRET, the member found in
   * the ledger), then the not-found handler answers 404.
   */
  unknownRouteWithToken: {
    path: '/no-such-route',
    status: 404,
    readIn: 'src/middleware/securityConfig.ts, src/middleware/errorHandler.ts',
  },
  /**
   * Test members get North American numbers of the range reserved for fiction, 1 NPA 555-0100..0199 (verify picks
   * the area code and the last two digits at random); never a real subscriber's number.
   */
  phone: (areaCode: number, line: number): string => `1${areaCode}55501${String(line % 100).padStart(2, '0')}`,
  defaultDenom: 'USD',
} as const;
