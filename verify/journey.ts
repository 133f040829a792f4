/**
 * The member journey of the smoke step (contracts/app.ts APP_MEMBER_JOURNEY), where the environment allows it
 * (config `verify.memberJourney`: staging): onboard a test member, log in, read the dashboard with the token, and
 * show the token to the auth middleware. It leaves one test member (a number reserved for fiction) in the ledger.
 *
 * It also asks the dashboard without a token: the app mounts its auth middleware after the routes, so a member
 * route that answers anyway is reported as a finding (not a failure: the app, not the deploy, would have to change).
 */
import { APP_MEMBER_JOURNEY } from '../contracts/app';
import { redactUrl } from '../lib/redact';
import { StepFailure, kindLabel } from './errors';
import { bodySummary, httpRequest, joinUrl, type HttpAnswer } from './http';
import type { FailureKind } from './types';

export interface JourneyOutcome {
  readonly ok: boolean;
  readonly kind?: FailureKind;
  /** What passed, or what failed (starting with the kind's label). */
  readonly detail: string;
  readonly findings: readonly string[];
  /** Requests sent (they all spend the app's rate-limit budget). */
  readonly requests: number;
}

/** A test member's phone number in the range reserved for fiction, from a random source in [0, 1). */
export function testPhone(random: () => number = Math.random): string {
  const areaCode = 201 + Math.floor(random() * 799); // 201..999
  return APP_MEMBER_JOURNEY.phone(areaCode, Math.floor(random() * 100));
}

class JourneyStop extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

function json(answer: HttpAnswer): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(answer.body);
    return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the journey against `baseUrl` within `timeoutMs`; never throws (a failure is an outcome). */
export async function runMemberJourney(
  baseUrl: string,
  timeoutMs: number,
  signal?: AbortSignal,
  random: () => number = Math.random,
): Promise<JourneyOutcome> {
  const deadline = Date.now() + timeoutMs;
  const findings: string[] = [];
  let requests = 0;
  const send = async (what: string, path: string, init: { method: 'GET' | 'POST'; body?: unknown; token?: string }) => {
    const left = deadline - Date.now();
    if (left <= 0) throw new JourneyStop('timeout', `${what}: not sent, the step's time ran out`);
    requests++;
    const answer = await httpRequest(joinUrl(baseUrl, path), {
      method: init.method,
      body: init.body,
      headers: init.token ? { authorization: `Bearer ${init.token}` } : undefined,
      timeoutMs: left,
      signal,
      followRedirects: false,
    });
    if (answer.status === 429)
      throw new JourneyStop('rate-limited', `${what}: HTTP 429 (the app's rate limit refused the journey)`);
    return answer;
  };
  const expect = (what: string, answer: HttpAnswer, status: number) => {
    if (answer.status !== status)
      throw new JourneyStop(
        'wrong-answer',
        `${what}: HTTP ${answer.status}, expected ${status} ("${bodySummary(answer.body)}")`,
      );
  };

  const phone = testPhone(random);
  const j = APP_MEMBER_JOURNEY;
  try {
    const onboard = await send('onboard a test member', j.onboard.path, {
      method: 'POST',
      body: { firstname: 'Verify', lastname: 'Journey', phone, defaultDenom: j.defaultDenom },
    });
    expect('onboard a test member', onboard, j.onboard.status);
    const memberId = (json(onboard)?.memberDashboard as { memberID?: unknown } | undefined)?.memberID;
    if (typeof memberId !== 'string' || memberId === '')
      throw new JourneyStop('wrong-answer', 'onboard a test member: the answer has no memberDashboard.memberID');

    const login = await send('log in', j.login.path, { method: 'POST', body: { phone } });
    expect('log in', login, j.login.status);
    const token = json(login)?.token;
    if (typeof token !== 'string' || token === '')
      throw new JourneyStop('wrong-answer', 'log in: the answer has no token');

    const dashboard = await send('read the dashboard with the token', j.dashboard.path, {
      method: 'POST',
      body: { phone },
      token,
    });
    expect('read the dashboard with the token', dashboard, j.dashboard.status);
    const shown = (json(dashboard)?.memberDashboard as { memberID?: unknown } | undefined)?.memberID;
    if (shown !== memberId)
      throw new JourneyStop(
        'wrong-answer',
        `read the dashboard with the token: memberID ${JSON.stringify(shown)}, expected the onboarded ${memberId}`,
      );

    const unknown = await send('an unknown route with the token', j.unknownRouteWithToken.path, {
      method: 'GET',
      token,
    });
    expect('an unknown route with the token (the auth middleware accepts it)', unknown, j.unknownRouteWithToken.status);

    const anonymous = await send('the dashboard without a token', j.dashboard.path, {
      method: 'POST',
      body: { phone },
    });
    if (anonymous.status >= 200 && anonymous.status < 300)
      findings.push(
        `${j.dashboard.path} answers ${anonymous.status} without a token: the app mounts its auth middleware after the routes (src/index.ts), so it guards only paths no route matched`,
      );
    return {
      ok: true,
      detail: `member journey: onboarded, logged in, dashboard read with the token (${requests} requests)`,
      findings,
      requests,
    };
  } catch (err) {
    const { kind, message } =
      err instanceof JourneyStop
        ? { kind: err.kind, message: err.message }
        : err instanceof StepFailure
          ? { kind: err.kind, message: err.detail }
          : { kind: 'error' as const, message: err instanceof Error ? err.message : String(err) };
    return {
      ok: false,
      kind,
      detail: `${kindLabel(kind)}: member journey on ${redactUrl(baseUrl)}: ${message}`,
      findings,
      requests,
    };
  }
}
