/**
 * The fault injectors of the harness, all on 127.0.0.1 with random ports:
 * - an HTTP fault server that answers itself (a health endpoint) or forwards to an upstream (moto), and per request
 *   injects what its plan says: latency, a reset, a black hole, a truncated, endless or slowly dripped body, a 5xx,
 *   a redirect, a given answer;
 * - a TCP fault proxy (for Bolt) that per connection passes through, delays, resets or black-holes;
 * - stop() / restart() on both: the port refuses connections for a while, then listens again;
 * - a TLS server with a self-signed certificate (made with openssl).
 * Every socket is tracked and destroyed by close(), so a test leaves nothing open.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type HttpFault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'endless' }
  | { readonly kind: 'drip'; readonly tickMs: number }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'answer'; readonly status: number; readonly body: string };

/** What the fault server knows of a request when it picks a fault: its number (from 1), path and AWS action. */
export interface RequestInfo {
  readonly n: number;
  readonly path: string;
  /** `Action=` of a query-protocol call (EC2) or the X-Amz-Target operation (ECS, Secrets Manager). */
  readonly action?: string;
}

export interface FaultServer {
  readonly port: number;
  readonly url: string;
  /** Requests seen so far. */
  readonly requests: number;
  /** Stops listening and drops every connection: clients are refused until restart(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

type Origin = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** An origin that answers every request itself. */
export function answer(status: number, body: string, contentType = 'application/json'): Origin {
  return (_req, _body, res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** An origin that forwards to `upstream` (e.g. moto) and relays the answer. */
export function forward(upstream: string): Origin {
  const target = new URL(upstream);
  return (req, body, res) => {
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `${target.hostname}:${target.port}`, 'content-length': body.length },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };
}

function actionOf(req: IncomingMessage, body: Buffer): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  const m = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  return m?.[1];
}

/** Tracks sockets of a server so that stop()/close() can drop them. */
function track(server: Server | ReturnType<typeof createTcpServer>): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function listen(
  server: { listen: (port: number, host: string, cb: () => void) => void; address: () => unknown },
  port = 0,
): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** Applies one fault to one request, with the origin giving the real answer where the fault needs one. */
function applyFault(fault: HttpFault, req: IncomingMessage, body: Buffer, res: ServerResponse, origin: Origin): void {
  const socket = req.socket;
  switch (fault.kind) {
    case 'pass':
      return origin(req, body, res);
    case 'latency':
      setTimeout(() => origin(req, body, res), fault.ms);
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'blackhole':
      return; // never answer; the socket stays open until the client gives up or close()
    case 'truncate':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"status":"o');
      setTimeout(() => socket.destroy(), 20);
      return;
    case 'endless': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'drip': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), fault.tickMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'status':
      res.writeHead(fault.status, { 'content-type': 'text/html' });
      res.end(`<html><body>${fault.status} injected</body></html>`);
      return;
    case 'redirect':
      res.writeHead(302, { location: fault.location, 'content-length': '0' });
      res.end();
      return;
    case 'answer':
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(fault.body),
      });
      res.end(fault.body);
      return;
  }
}

/** The HTTP fault server: `plan` picks the fault of each request. */
export async function startFaultServer(
  origin: Origin,
  plan: (info: RequestInfo) => HttpFault,
  tls?: { key: Buffer; cert: Buffer },
): Promise<FaultServer> {
  let n = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      n += 1;
      const fault = plan({ n, path: req.url ?? '/', action: actionOf(req, body) });
      applyFault(fault, req, body, res, origin);
    });
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 1000;
  const sockets = track(server);
  if (tls) server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  let listening = true;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get requests() {
      return n;
    },
    stop,
    async restart() {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: stop,
  };
}

export type TcpFault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'blackhole' };

/** A TCP proxy to 127.0.0.1:`upstreamPort`; `plan` picks the fault of each connection (numbered from 1). */
export async function startTcpFaultProxy(upstreamPort: number, plan: (n: number) => TcpFault): Promise<FaultServer> {
  let n = 0;
  const server = createTcpServer((client) => {
    n += 1;
    const fault = plan(n);
    client.on('error', () => undefined);
    if (fault.kind === 'reset') return void client.resetAndDestroy();
    if (fault.kind === 'blackhole') return void client.resume(); // read and drop, never answer
    const delay = fault.kind === 'latency' ? fault.ms : 0;
    const upstream = connect(upstreamPort, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const relay = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => (delay ? setTimeout(() => to.write(chunk), delay) : to.write(chunk)));
    relay(client, upstream);
    relay(upstream, client);
  });
  const sockets = track(server);
  const port = await listen(server);
  let listening = true;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    port,
    url: `tcp://127.0.0.1:${port}`,
    get requests() {
      return n;
    },
    stop,
    async restart() {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: stop,
  };
}

let cachedCert: { key: Buffer; cert: Buffer } | undefined;

/** A self-signed certificate for 127.0.0.1 (openssl, once per process). */
export function selfSignedCert(): { key: Buffer; cert: Buffer } {
  if (cachedCert) return cachedCert;
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cachedCert = { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
    return cachedCert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
