/** lib/network-errors.ts: the one network-error classifier reads codes and names, never message text. */
import { createServer } from 'node:net';
import { networkProblem, probeTcp } from '../../lib/network-errors';

const coded = (code: string, message = 'anything') => Object.assign(new Error(message), { code });

describe('networkProblem', () => {
  it.each([
    [coded('ECONNREFUSED'), 'refused', 'ECONNREFUSED'],
    [coded('ENOTFOUND'), 'refused', 'ENOTFOUND'],
    [coded('ETIMEDOUT'), 'timeout', 'ETIMEDOUT'],
    [Object.assign(new Error('x'), { name: 'TimeoutError' }), 'timeout', 'TimeoutError'],
    [new TypeError('fetch failed', { cause: coded('UND_ERR_SOCKET') }), 'refused', 'UND_ERR_SOCKET'],
    // a failed handshake also resets the socket: the TLS code wins
    [new TypeError('fetch failed', { cause: coded('ECONNRESET', 'x') }), 'refused', 'ECONNRESET'],
    [Object.assign(coded('ECONNRESET'), { cause: coded('CERT_HAS_EXPIRED') }), 'tls', 'CERT_HAS_EXPIRED'],
    [coded('ERR_SSL_SOMETHING_NEW'), 'tls', 'ERR_SSL_SOMETHING_NEW'],
  ])('%s is %s (%s)', (err, kind, code) => {
    expect(networkProblem(err)).toMatchObject({ kind, code });
  });

  it('message text alone classifies nothing', () => {
    expect(networkProblem(new Error('connect ECONNREFUSED 127.0.0.1:7687'))).toBeUndefined();
    expect(networkProblem(coded('AccessDenied'))).toBeUndefined();
  });
});

describe('probeTcp', () => {
  it('is undefined where something listens, refused where nothing does', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    expect(await probeTcp('127.0.0.1', port, 2000)).toBeUndefined();
    await new Promise<void>((r) => server.close(() => r()));
    expect(await probeTcp('127.0.0.1', port, 2000)).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
  });
});
