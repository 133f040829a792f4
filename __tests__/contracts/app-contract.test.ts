/**
 * The app contract (contracts/app.ts) against the app it describes, read from its sources (../shared/credex-core, or
 * CREDEX_APP_DIR): every variable the app reads is in the contract and the other way round, the required list is the
 * app's own, each fact is where the contract says it was read. And the README's table is the contract's.
 * (The behaviour itself is proven by running the app: __tests__/tools/rehearse/app-on-estate.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  APP_HEALTH,
  APP_MEMBER_JOURNEY,
  APP_PUBLIC_ROUTES,
  APP_RATE_LIMIT,
  APP_REQUIRED_VARIABLES,
  APP_SECRET_KEYS,
  APP_SET_VARIABLES,
  APP_VARIABLES,
  RETIRED_APP_SECRET_KEYS,
} from '../../contracts/app';
import { repoRoot } from '../../lib/paths';
import { resolveAppDir } from '../../tools/rehearse/app-build';
import { renderAppContract, BEGIN, END } from '../../tools/app-contract/readme';

const appDir = resolveAppDir();
const read = (rel: string) => readFileSync(path.join(appDir, rel), 'utf8');

/** The app's TypeScript sources the running app loads (src/ and config/, no tests). */
function sources(): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string) => {
    const abs = path.join(appDir, rel);
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs)) if (name !== 'tests') visit(path.join(rel, name));
    } else if (rel.endsWith('.ts')) out.set(rel, readFileSync(abs, 'utf8'));
  };
  visit('src');
  visit('config');
  return out;
}
const code = sources();
const all = [...code.values()].join('\n');

describe('the app contract matches the app', () => {
  test("the required variables are the app's requiredEnvVars (config/config.ts), CLIENT_API_KEY among them", () => {
    const list = /const requiredEnvVars = \[([^\]]*)\]/.exec(read('config/config.ts'))?.[1] ?? '';
    const required = [...list.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    expect([...APP_REQUIRED_VARIABLES].sort()).toEqual(required.sort());
    expect(APP_REQUIRED_VARIABLES).toContain('CLIENT_API_KEY');
  });

  test('every variable the app reads is in the contract, and the contract lists nothing the app does not read', () => {
    const named = new Set([...all.matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    const required = /const requiredEnvVars = \[([^\]]*)\]/.exec(read('config/config.ts'))?.[1] ?? '';
    for (const m of required.matchAll(/"([A-Z0-9_]+)"/g)) named.add(m[1]); // read as process.env[varName]
    expect(APP_VARIABLES.map((v) => v.name).sort()).toEqual([...named].sort());
  });

  test('each variable is read in the files the contract names', () => {
    const misplaced = APP_VARIABLES.flatMap((v) =>
      v.readIn.filter((f) => !read(f).includes(v.name)).map((f) => `${v.name} in ${f}`),
    );
    expect(misplaced).toEqual([]);
  });

  test('the retired key is read nowhere; the app secret holds only variables the app reads', () => {
    for (const k of RETIRED_APP_SECRET_KEYS) expect(all).not.toContain(k.name);
    for (const k of APP_SECRET_KEYS) expect(APP_SET_VARIABLES.map((v) => v.name)).toContain(k);
  });

  test('PORT defaults to 3000 in the app, so the contract sets it', () => {
    expect(read('src/utils/serverSetup.ts')).toMatch(/const DEFAULT_PORT = 3000;[\s\S]*process\.env\.PORT/);
    expect(APP_SET_VARIABLES.find((v) => v.name === 'PORT')?.source).toEqual({ kind: 'plain', value: 'port' });
  });

  test('the health route answers the contract’s body', () => {
    const index = read(APP_HEALTH.readIn);
    expect(index).toContain(`app.get("${APP_HEALTH.path}"`);
    expect(index).toContain(
      `res.status(${APP_HEALTH.status}).json({ ${APP_HEALTH.jsonField.path}: "${APP_HEALTH.jsonField.equals}" })`,
    );
  });

  test('the rate limit: window, limit, one limiter mounted hitsPerRequest times, no trust proxy', () => {
    const limiter = read('src/middleware/rateLimiter.ts');
    expect(limiter).toContain(`windowMs: ${APP_RATE_LIMIT.windowSeconds} * 1000`);
    expect(limiter).toContain(`max: ${APP_RATE_LIMIT.limit},`);
    expect(limiter).toContain('req.user?.id || req.ip');
    expect(limiter).toContain(`res.status(${APP_RATE_LIMIT.status}).send("${APP_RATE_LIMIT.body}")`);
    const mounts = [...all.matchAll(/app\.use\(rateLimiter\)/g)].length;
    expect(mounts).toBe(APP_RATE_LIMIT.hitsPerRequest);
    expect(all).not.toMatch(/trust proxy/);
    expect(APP_RATE_LIMIT.key).toBe('socket-address');
  });

  test('every file the routes and the journey name exists in the app', () => {
    const named = [
      ...APP_PUBLIC_ROUTES.flatMap((r) => r.readIn),
      ...Object.values(APP_MEMBER_JOURNEY).flatMap((v) =>
        v && typeof v === 'object' && 'readIn' in v ? String(v.readIn).split(', ') : [],
      ),
      ...APP_RATE_LIMIT.readIn,
    ];
    expect(named.filter((f) => !code.has(f))).toEqual([]);
  });
});

test("the README's app contract table is the contract's (npm run docs:app-contract)", () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END) + END.length);
  expect(section).toBe(renderAppContract());
});
