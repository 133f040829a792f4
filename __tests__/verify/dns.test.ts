/**
 * The dns step (issue 20, day 2): the API URL's host must point at this stack's load balancer. The decision with
 * injected lookups, then the step through Node's real resolver against a local DNS stand-in (a small UDP responder
 * started here that answers A and CNAME queries from a table, NXDOMAIN for other names).
 */
import { createSocket, type Socket } from 'node:dgram';
import { runDns, systemDns, type DnsLookup } from '../../verify/dns';
import { StepFailure } from '../../verify/errors';
import type { StepContext } from '../../verify/types';

const LB = 'credex-production-alb-123456789.af-south-1.elb.amazonaws.com';
const ctx = (apiUrl: string, loadBalancerDns: string | undefined = LB): StepContext => ({
  outputs: { source: 'test', loadBalancerDns, apiUrl },
  timeoutMs: 5000,
  reportDir: '/tmp',
});

type Zone = Record<string, { cname?: string; a?: string[] }>;
/** Lookups from a table, as a resolver answers them: a CNAME query for an A-only name is empty. */
function tableLookup(zone: Zone): DnsLookup {
  const nx = (host: string) => Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  const resolve4 = async (host: string): Promise<string[]> => {
    const r = zone[host];
    if (!r) throw nx(host);
    return r.cname ? resolve4(r.cname) : (r.a ?? []);
  };
  return {
    resolveCname: async (host) => (zone[host]?.cname ? [zone[host].cname!] : []),
    resolve4,
  };
}
const fails = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e as StepFailure,
  );

describe('runDns, decided on injected lookups', () => {
  const lbZone: Zone = { [LB]: { a: ['13.244.1.10', '13.244.2.20'] } };

  test('a CNAME to the load balancer passes', async () => {
    const r = await runDns(
      ctx('https://api.mycredex.app'),
      tableLookup({ ...lbZone, 'api.mycredex.app': { cname: LB } }),
    );
    expect(r.message).toBe(`api.mycredex.app is a CNAME to the load balancer ${LB}`);
    expect(r.figures).toEqual({ 'dns.checked': true, 'dns.match': 'cname' });
  });

  test('a chain of CNAMEs that reaches it passes and names the links', async () => {
    const zone = {
      ...lbZone,
      'api.mycredex.app': { cname: 'edge.mycredex.app' },
      'edge.mycredex.app': { cname: `${LB}.` },
    };
    const r = await runDns(ctx('https://api.mycredex.app/'), tableLookup(zone));
    expect(r.message).toContain('(via edge.mycredex.app)');
  });

  test("an alias (the host answers with the load balancer's addresses) passes", async () => {
    const r = await runDns(
      ctx('https://API.mycredex.app'),
      tableLookup({ ...lbZone, 'api.mycredex.app': { a: ['13.244.2.20', '13.244.1.10'] } }),
    );
    expect(r.message).toMatch(/resolves to the load balancer's addresses \(13\.244\.1\.10, 13\.244\.2\.20\)/);
    expect(r.figures['dns.match']).toBe('addresses');
  });

  test('the old system still holding the name is a wrong answer naming both', async () => {
    const err = await fails(
      runDns(ctx('https://api.mycredex.app'), tableLookup({ ...lbZone, 'api.mycredex.app': { a: ['102.1.2.3'] } })),
    );
    expect(err).toBeInstanceOf(StepFailure);
    expect(err!.kind).toBe('wrong-answer');
    expect(err!.message).toContain(`api.mycredex.app resolves to 102.1.2.3, not to this stack's load balancer ${LB}`);
    // one address of the old system among the load balancer's is still wrong
    const mixed = await fails(
      runDns(
        ctx('https://api.mycredex.app'),
        tableLookup({ ...lbZone, 'api.mycredex.app': { a: ['13.244.1.10', '102.1.2.3'] } }),
      ),
    );
    expect(mixed!.kind).toBe('wrong-answer');
  });

  test('a CNAME to another load balancer is a wrong answer that shows the chain', async () => {
    const zone = {
      ...lbZone,
      'old-alb.example.com': { a: ['102.9.9.9'] },
      'api.mycredex.app': { cname: 'old-alb.example.com' },
    };
    const err = await fails(runDns(ctx('https://api.mycredex.app'), tableLookup(zone)));
    expect(err!.kind).toBe('wrong-answer');
    expect(err!.message).toContain('(CNAME old-alb.example.com)');
  });

  test('no record for the name is "missing" with what to do', async () => {
    const err = await fails(runDns(ctx('https://api.mycredex.app'), tableLookup(lbZone)));
    expect(err!.kind).toBe('missing');
    expect(err!.message).toContain(`api.mycredex.app has no DNS record: point it at ${LB}`);
  });

  test("skipped with the reason when the API URL is the load balancer's own name or an IP address", async () => {
    const lookup = tableLookup({});
    const own = await runDns(ctx(`http://${LB}`), lookup);
    expect(own.message).toBe(`skipped: the API URL names the load balancer itself (${LB}); no DNS record to check`);
    expect(own.figures).toEqual({ 'dns.checked': false });
    const ip = await runDns(ctx('http://127.0.0.1:5000'), lookup);
    expect(ip.message).toMatch(/^skipped: the API URL names an IP address/);
  });

  test('without the load_balancer_dns output it is "missing"', async () => {
    const err = await fails(runDns(ctx('https://api.mycredex.app', ''), tableLookup({})));
    expect(err!.kind).toBe('missing');
    expect(err!.message).toContain('load_balancer_dns');
  });
});

// ---- a local DNS stand-in --------------------------------------------------------------------------------------

const TYPE_A = 1;
const TYPE_CNAME = 5;
const encodeName = (name: string) =>
  Buffer.concat([
    ...name
      .split('.')
      .filter(Boolean)
      .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
function record(name: string, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(name), fixed, data]);
}
/** Answers one query from `zone`: CNAMEs are followed inside the answer for A queries, as a recursive server does. */
function answer(query: Buffer, zone: Zone): Buffer {
  let at = 12;
  const labels: string[] = [];
  while (query[at] !== 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]).toString());
    at += query[at] + 1;
  }
  const question = query.subarray(12, at + 5);
  const qtype = query.readUInt16BE(at + 1);
  const records: Buffer[] = [];
  let name = labels.join('.').toLowerCase();
  let rcode = zone[name] ? 0 : 3;
  for (let hops = 0; zone[name] && hops < 5; hops++) {
    const r = zone[name];
    if (r.cname) {
      records.push(record(name, TYPE_CNAME, encodeName(r.cname)));
      if (qtype !== TYPE_A) break;
      name = r.cname;
      continue;
    }
    if (qtype === TYPE_A)
      for (const ip of r.a ?? []) records.push(record(name, TYPE_A, Buffer.from(ip.split('.').map(Number))));
    break;
  }
  if (qtype === TYPE_A && records.length > 0 && !zone[name]) rcode = 0;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}

describe("runDns through Node's resolver against a local DNS stand-in", () => {
  let server: Socket;
  let address: string;
  const zone: Zone = {
    [LB]: { a: ['13.244.1.10', '13.244.2.20'] },
    'api.mycredex.app': { cname: LB },
    'alias.mycredex.app': { a: ['13.244.1.10', '13.244.2.20'] },
    'old.mycredex.app': { a: ['102.1.2.3'] },
  };

  beforeAll(async () => {
    server = createSocket('udp4');
    server.on('message', (msg, rinfo) => server.send(answer(msg, zone), rinfo.port, rinfo.address));
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${server.address().port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const lookup = () => systemDns({ servers: [address], timeoutMs: 2000 });

  test('a CNAME to the load balancer passes', async () => {
    expect((await runDns(ctx('https://api.mycredex.app'), lookup())).message).toBe(
      `api.mycredex.app is a CNAME to the load balancer ${LB}`,
    );
  });

  test("an alias with the load balancer's addresses passes", async () => {
    expect((await runDns(ctx('https://alias.mycredex.app'), lookup())).figures['dns.match']).toBe('addresses');
  });

  test('another address is a wrong answer; an unknown name is missing', async () => {
    expect((await fails(runDns(ctx('https://old.mycredex.app'), lookup())))!.kind).toBe('wrong-answer');
    expect((await fails(runDns(ctx('https://nothing.mycredex.app'), lookup())))!.kind).toBe('missing');
  });
});
