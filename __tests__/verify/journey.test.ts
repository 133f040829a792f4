/**
 * The member journey's own decisions on local stand-in servers (the whole journey runs against the real app in
 * __tests__/tools/rehearse/app-on-estate.test.ts): test phone numbers, and how a refusal is named.
 */
import { runMemberJourney, testPhone } from '../../verify/journey';
import { send, startHttpServer, type TestHttpServer } from '../support/http-server';

const servers: TestHttpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(handler: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

test('test members get numbers the app accepts, in the range reserved for fiction (1 NPA 555-0100..0199)', () => {
  for (const r of [0, 0.5, 0.999999]) {
    const phone = testPhone(() => r);
    expect(phone).toMatch(/^\+?[1-9]\d{1,14}$/); // the app's validatePhone (src/utils/validators.ts)
    expect(phone).toMatch(/^1[2-9]\d\d55501\d\d$/);
  }
});

test('onboarding refused (no active day in the ledger) fails as a wrong answer naming the step and the answer', async () => {
  const api = await server((_req, res) => send(res, 400, { message: 'could not onboard member' }));
  const outcome = await runMemberJourney(api.url, 5000);
  expect(outcome).toMatchObject({ ok: false, kind: 'wrong-answer', requests: 1 });
  expect(outcome.detail).toMatch(
    /^wrong answer: member journey on http:\/\/127\.0\.0\.1:\d+: onboard a test member: HTTP 400, expected 201 \("\{"message":"could not onboard member"\}"\)$/,
  );
});

test('a 429 anywhere in the journey is named as rate limited', async () => {
  const api = await server((_req, res) => send(res, 429, 'Too many requests, please try again later'));
  const outcome = await runMemberJourney(api.url, 5000);
  expect(outcome.kind).toBe('rate-limited');
  expect(outcome.detail).toContain("onboard a test member: HTTP 429 (the app's rate limit refused the journey)");
});
