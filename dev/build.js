#!/usr/bin/env node
// Transpiles TypeScript entry points to dist/ with esbuild: no type-checking here (that is `npm run typecheck`),
// so synthesis never pays for the compiler. Dependencies stay external; source maps let stack traces and
// construct metadata point at the .ts files.
//   node dev/build.js                 every entry point
//   node dev/build.js main.ts ...     only these (each npm script builds just what it runs)
const { buildSync } = require('esbuild');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const ENTRY_POINTS = [
  'main.ts',
  'policies/cli.ts',
  'policies/build/build.ts',
  'verify/cli.ts',
  'verify/deploy-and-verify.ts',
  'tools/ami/cli.ts',
  'tools/bench/cli.ts',
  'tools/diagram/cli.ts',
  'tools/iam/cli.ts',
];

/** Bundles `entryPoints` (paths relative to the repository root) into `outdir`, keeping their relative paths. */
function bundle(entryPoints, outdir = 'dist') {
  buildSync({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outbase: '.',
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });
}

module.exports = { bundle, ENTRY_POINTS };

if (require.main === module) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((file) => !ENTRY_POINTS.includes(file));
  if (unknown.length > 0) {
    console.error(`build: not an entry point: ${unknown.join(', ')} (known: ${ENTRY_POINTS.join(', ')})`);
    process.exit(2);
  }
  bundle((wanted.length > 0 ? wanted : ENTRY_POINTS).filter((file) => existsSync(path.join(root, file))));
}
