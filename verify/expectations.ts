/**
 * What verify expects of the app, derived from the app contract (contracts/app.ts) and the environment's choices
 * (config/<env>.ts `verify`): the health answer, the public routes and their real answers, and a load profile paced
 * inside the budget the app's rate limit gives one client. Nothing here is a guess of its own.
 */
import type { HealthExpectation, LoadConfig, LoadProfile, SmokeTest } from '../config';
import { APP_HEALTH, APP_PUBLIC_ROUTES, APP_RATE_LIMIT, APP_REQUESTS_PER_WINDOW } from '../contracts/app';

/** The health answer the app gives when healthy: status 200 and {"status":"healthy"}. */
export function healthExpectation(): HealthExpectation {
  return { expectStatus: APP_HEALTH.status, jsonField: { ...APP_HEALTH.jsonField } };
}

/** The public routes with the answers the app really gives (an unknown route: 401 from the auth middleware). */
export function smokeTests(): SmokeTest[] {
  return APP_PUBLIC_ROUTES.map((r) => ({
    name: r.name,
    method: r.method,
    path: r.path,
    ...(r.body === undefined ? {} : { body: r.body }),
    expectStatus: r.status,
    expectBodyIncludes: [...r.bodyIncludes],
  }));
}

/** Requests a minute one client address may send before the app answers 429 (50 for this app: 100 hits, 2 each). */
export const CLIENT_REQUESTS_PER_MINUTE = (APP_REQUESTS_PER_WINDOW * 60) / APP_RATE_LIMIT.windowSeconds;

/**
 * The load profile of an environment: its paths, duration and thresholds, paced at `budgetShare` of one client's
 * requests a minute, so the step measures the app and not its limiter.
 */
export function loadProfile(load: LoadConfig): LoadProfile {
  return {
    paths: load.paths,
    virtualUsers: load.virtualUsers,
    durationSeconds: load.durationSeconds,
    requestsPerMinute: Math.max(1, Math.floor(CLIENT_REQUESTS_PER_MINUTE * load.budgetShare)),
    thresholds: load.thresholds,
  };
}
