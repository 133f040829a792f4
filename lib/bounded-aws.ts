/**
 * AWS SDK v3 clients bounded in time and size: the SDK's own request handler timeouts (connection, request, and
 * `throwOnRequestTimeout` so an overdue request fails instead of logging a warning), every call aborted when the
 * caller's deadline passes (`abortSignal`, plus a race in the middleware stack so credential lookups and retries are
 * bounded too), and every response body read through a limit in bytes and in time before the SDK parses it.
 */
import { PassThrough, Readable } from 'node:stream';
import { within } from './deadline';

export interface AwsBounds {
  /** Milliseconds to open a connection. @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds from sending a request to its response headers, and to read its body. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Largest response body read, in bytes. @default 8 MiB */
  readonly maxBodyBytes?: number;
}

export const AWS_BOUNDS = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  maxBodyBytes: 8 * 1024 * 1024,
} as const;

/** The `requestHandler` client option (NodeHttpHandler settings): overdue requests fail, not warn. */
export function boundedRequestHandler(bounds: AwsBounds = {}): {
  connectionTimeout: number;
  requestTimeout: number;
  socketTimeout: number;
  throwOnRequestTimeout: boolean;
} {
  const request = bounds.requestTimeoutMs ?? AWS_BOUNDS.requestTimeoutMs;
  return {
    connectionTimeout: bounds.connectionTimeoutMs ?? AWS_BOUNDS.connectionTimeoutMs,
    requestTimeout: request,
    socketTimeout: request,
    throwOnRequestTimeout: true,
  };
}

/** The error a body over the limit (or too slow to arrive) fails with; not retried by the SDK. */
export class ResponseBoundError extends Error {
  constructor(
    readonly reason: 'too-large' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = reason === 'too-large' ? 'ResponseTooLarge' : 'TimeoutError';
  }
}

/** `src` piped through a byte and time limit: more than `max` bytes or no end within `ms` destroys both. */
export function limitBody(src: Readable, max: number, ms: number, signal?: AbortSignal): Readable {
  const out = new PassThrough();
  let total = 0;
  let done = false;
  const finish = (err?: Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (err) {
      src.destroy();
      out.destroy(err);
    } else out.end();
  };
  const timer = setTimeout(
    () => finish(new ResponseBoundError('timeout', `response body not complete within ${ms} ms`)),
    ms,
  );
  const onAbort = () => finish(new ResponseBoundError('timeout', 'response body cut: the deadline passed'));
  signal?.addEventListener('abort', onAbort, { once: true });
  src.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > max) return finish(new ResponseBoundError('too-large', `response body larger than ${max} bytes`));
    if (!out.write(chunk)) {
      src.pause();
      out.once('drain', () => src.resume());
    }
  });
  src.on('end', () => finish());
  src.on('error', (e) => finish(e));
  src.on('close', () => finish(done ? undefined : new Error('connection closed before the response was complete')));
  return out;
}

interface StackLike {
  add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
}
interface ClientLike {
  middlewareStack: StackLike;
  send(command: unknown, options?: unknown): Promise<unknown>;
}

/**
 * Bounds an SDK client in place and returns it: bodies limited (bytes, time), and with `signal` every call aborted
 * (socket destroyed) when it fires. Create the client with `requestHandler: boundedRequestHandler()`.
 */
export function boundClient<C>(client: C, signal?: AbortSignal, bounds: AwsBounds = {}): C {
  const c = client as unknown as ClientLike;
  const max = bounds.maxBodyBytes ?? AWS_BOUNDS.maxBodyBytes;
  const bodyMs = bounds.requestTimeoutMs ?? AWS_BOUNDS.requestTimeoutMs;
  c.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response?: { body?: unknown } }>) => async (args: unknown) => {
      const out = await next(args);
      const response = out?.response;
      if (response && response.body instanceof Readable) response.body = limitBody(response.body, max, bodyMs, signal);
      return out;
    },
    // low priority in the deserialize step: inside the SDK's deserializer, so it reads the limited body
    { step: 'deserialize', name: 'credexBoundedBody', priority: 'low' },
  );
  if (signal) {
    c.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>) => (args: unknown) => within(next(args), signal),
      { step: 'initialize', name: 'credexDeadline', priority: 'high' },
    );
    const send = c.send.bind(c);
    c.send = (command: unknown, options?: unknown) =>
      send(command, { abortSignal: signal, ...((options as object | undefined) ?? {}) });
  }
  return client;
}
