/** The tests' moto server is the tools' (tools/terraform/moto-server.ts: single-threaded): one implementation. */
export { MOTO_CLIENT_CONFIG, resetMoto, startMoto, type MotoServer } from '../../tools/terraform/moto-server';
