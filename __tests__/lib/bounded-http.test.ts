/** The bounded HTTP client against real local servers: each failure is named by its cause, not by the retry's end. */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { boundedRequest, HttpProblem } from '../../lib/bounded-http';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big') {
      res.end('x'.repeat(10_000));
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else {
      res.end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const init = () => ({ signal: AbortSignal.timeout(5000), maxBodyBytes: 1024 });

const problem = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as HttpProblem,
  );

test('a port fetch refuses to use is named as such at once, not a timeout', async () => {
  const started = Date.now();
  const err = await problem(boundedRequest('http://127.0.0.1:1/health', init()));
  expect(err).toBeInstanceOf(HttpProblem);
  expect(err).toMatchObject({ kind: 'refused' });
  expect(String(err?.message)).toMatch(/fetch refuses this port/);
  expect(Date.now() - started).toBeLessThan(2000);
});

test('URL credentials travel as a header and never in the problem text', async () => {
  const answer = await boundedRequest(`${base.replace('//', '//admin:s3cr3t-pw@')}/echo`, init());
  expect(JSON.parse(answer.body)).toEqual({ auth: `Basic ${Buffer.from('admin:s3cr3t-pw').toString('base64')}` });
  const err = await problem(boundedRequest(`${base.replace('//', '//admin:s3cr3t-pw@')}/loop`, init()));
  expect(err).toMatchObject({ kind: 'redirect-loop' });
  expect(JSON.stringify(err) + String(err?.message)).not.toContain('s3cr3t-pw');
});
