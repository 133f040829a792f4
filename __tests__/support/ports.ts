/** The tests' free-port helper is the tools' (lib/ports.ts): one implementation. */
export { freePort } from '../../lib/ports';
