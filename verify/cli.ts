/**
 * `npm run -s verify -- --stack staging [options]`: proves a deployed stack healthy and writes verify-report/.
 * Exit codes: 0 every selected step passed; 1 a check failed; 2 usage or configuration error (one line on stderr).
 * The logic is in ./command.ts; this file is only the entry point bundled to dist/verify/cli.js.
 */
import { runCli } from './command';

runCli(process.argv.slice(2)).then((code) => {
  // Exit explicitly: idle keep-alive sockets (fetch, Bolt) must not hold the process open.
  process.stdout.write('', () => process.exit(code));
});
