#!/usr/bin/env node
// Transpiles the TypeScript entry points to dist/ with esbuild: no type-checking here (that is `npm run typecheck`),
// so synthesis never pays for the compiler. Dependencies stay external; source maps let stack traces and
// construct metadata point at the .ts files.
const { buildSync } = require('esbuild');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entryPoints = [
  'main.ts',
  'policies/cli.ts',
  'policies/build.ts',
  'verify/cli.ts',
  'verify/deploy-and-verify.ts',
  'scripts/ami/cli.ts',
  'scripts/bench.ts',
  'scripts/iam-policy.ts',
].filter((file) => existsSync(path.join(root, file)));

buildSync({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
});
