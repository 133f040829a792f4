/**
 * `npm run -s verify -- --stack staging [options]`: proves a deployed stack healthy and writes verify-report/.
 * Exit codes: 0 every selected step passed; 1 a check failed; 2 usage, configuration or internal error (one line on
 * stderr); 130 interrupted. `--help` lists the options. The logic is in ./command.ts; this file is only the entry
 * point bundled to dist/verify/cli.js.
 */
import { processIo, runMain } from '../lib/cli';
import { runCli } from './command';

// On SIGINT/SIGTERM the running step is aborted and the report of the steps done so far is written (marked
// interrupted) before the process exits 130; at most INTERRUPT_WRITE_MS is spent on that.
const INTERRUPT_WRITE_MS = 5000;
const interrupt = new AbortController();
let finished: Promise<number> | undefined;

// runMain exits explicitly once stdout is flushed: idle keep-alive sockets (fetch, Bolt) must not hold the process open.
runMain('verify', () => (finished = runCli(process.argv.slice(2), { ...processIo, signal: interrupt.signal })), {
  onInterrupt: async (signal) => {
    process.stderr.write(`verify: interrupted by ${signal}\n`);
    interrupt.abort(signal);
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, INTERRUPT_WRITE_MS).unref())]);
  },
});
