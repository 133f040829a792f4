#!/usr/bin/env node
// Transpiles the TypeScript entry points to dist/ with esbuild: no type-checking here (that is `npm run typecheck`),
// so synthesis never pays for the compiler. Dependencies stay external; source maps let stack traces and
// construct metadata point at the .ts files.
const { buildSync } = require('esbuild');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const ENTRY_POINTS = [
  'main.ts',
  'policies/cli.ts',
  'policies/build.ts',
  'verify/cli.ts',
  'verify/deploy-and-verify.ts',
  'scripts/ami/cli.ts',
  'scripts/bench.ts',
  'scripts/iam-policy.ts',
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
  bundle(ENTRY_POINTS.filter((file) => existsSync(path.join(root, file))));
}
