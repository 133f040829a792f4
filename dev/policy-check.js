#!/usr/bin/env node
// `npm run policy-check [-- ARGS]`: the gate on what it is given; the app is built only when the gate needs its
// stacks.
//   --input PATH, --stacks DIR, --help, --version: transpile the gate and run it. No synthesis: about 2.5 s less
//     per call, and an app that does not build never blocks judging an unrelated plan.
//   no input: transpile the gate and the app, synthesize every stack with stack traces on (so findings point at the
//     TypeScript that created a resource), then judge them. The synthesis writes to CDKTF_OUTDIR when it is set
//     (default cdktf.out/), and the gate reads that folder.
// Exit codes: the gate's (0, 1, 2, 130; `--help` lists them), or the synthesis's when it fails (2 with one line for an
// invalid config); a build error is 2.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { bundle, bundleFunction, bundleIfStale, FUNCTIONS } = require('./build');

const root = path.resolve(__dirname, '..');

/** Runs node with `args` from the repository root; resolves to its exit code (130 when a signal ended it). */
function node(args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

/** Whether the arguments name what to judge (or ask for help): then nothing is synthesized. */
function judgesGivenFiles(args) {
  const { values } = parseArgs({
    args,
    strict: false,
    options: {
      input: { type: 'string', multiple: true },
      stacks: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  return values.input !== undefined || values.stacks !== undefined || values.help === true || values.version === true;
}

async function main(args) {
  const synthesize = !judgesGivenFiles(args);
  try {
    bundleIfStale('policies/cli.ts');
    if (synthesize) {
      bundle(['main.ts']);
      FUNCTIONS.forEach((entry) => bundleFunction(entry));
    }
  } catch {
    console.error('policy-check: the TypeScript build failed (esbuild printed why above)');
    return 2;
  }
  const gate = [path.join('dist', 'policies', 'cli.js'), ...args];
  if (synthesize) {
    // The synthesis's own output goes to stderr, so that a JSON or SARIF report on stdout stays clean.
    const code = await node(['--enable-source-maps', path.join('dist', 'main.js')], {
      stdio: ['inherit', 2, 'inherit'],
      env: { ...process.env, CREDEX_STACK_TRACES: '1' },
    });
    if (code !== 0) return code;
    if (process.env.CDKTF_OUTDIR) gate.push('--stacks', path.resolve(root, process.env.CDKTF_OUTDIR));
  }
  return node(gate);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
