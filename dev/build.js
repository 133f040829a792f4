#!/usr/bin/env node
// Transpiles TypeScript entry points to dist/ with esbuild: no type-checking here (that is `npm run typecheck`),
// so synthesis never pays for the compiler. Dependencies stay external; source maps let stack traces and
// construct metadata point at the .ts files.
//   node dev/build.js                 every entry point
//   node dev/build.js main.ts ...     only these (each npm script builds just what it runs)
const { buildSync } = require('esbuild');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { deflateRawSync } = require('node:zlib');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const ENTRY_POINTS = [
  'main.ts',
  'policies/cli.ts',
  'policies/build/build.ts',
  'verify/cli.ts',
  'verify/deploy-and-verify.ts',
  'tools/ami/cli.ts',
  'tools/app-contract/cli.ts',
  'tools/bench/cli.ts',
  'tools/diagram/cli.ts',
  'tools/iam/cli.ts',
  'tools/rehearse/cli.ts',
];

/**
 * Lambda functions (product code under functions/): each bundled with ALL its dependencies (Lambda has no
 * node_modules) into dist/functions/<name>/index.js and zipped into dist/functions/<name>.zip, the package the stack
 * uploads (a TerraformAsset). Built whenever
 * main.ts is, since the synthesized stack carries the bundle's hash; main.ts builds a missing one itself.
 */
const FUNCTIONS = ['functions/neo4j-rotation/index.ts'];

/** The bundle's inputs, recorded beside the bundle. */
const inputsFile = (out) => `${out}.inputs.json`;
/** The deployment package the stack uploads: dist/functions/<name>.zip. */
const zipFile = (out) => `${out}.zip`;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip holding one file, deflated, with a fixed timestamp (1980-01-01): the same bundle always gives the same bytes,
 * so the package's hash changes only with the code (and synthesis does not pay for an archiver process).
 */
function zipOneFile(name, content) {
  const data = deflateRawSync(content, { level: 9 });
  const nameBytes = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const common = (header) => {
    header.writeUInt16LE(20, 0); // version needed
    header.writeUInt16LE(0, 2); // flags
    header.writeUInt16LE(8, 4); // deflate
    header.writeUInt16LE(0, 6); // time 00:00
    header.writeUInt16LE(0x21, 8); // date 1980-01-01
    header.writeUInt32LE(crc, 10);
    header.writeUInt32LE(data.length, 14);
    header.writeUInt32LE(content.length, 18);
    header.writeUInt16LE(nameBytes.length, 22);
    header.writeUInt16LE(0, 24); // extra length
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  common(local.subarray(4));
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
  common(central.subarray(6));
  central.writeUInt16LE(0, 32); // comment length
  central.writeUInt16LE(0, 34); // disk
  central.writeUInt16LE(0, 36); // internal attributes
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
  central.writeUInt32LE(0, 42); // local header offset
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/**
 * Bundles a function only when its bundle is missing or older than one of the files it was built from (or than
 * package-lock.json): keeps `npm run synth` from paying ~0.3 s for an unchanged function.
 */
function bundleFunction(entryPoint, outdir = 'dist') {
  const out = path.join(root, outdir, path.dirname(entryPoint));
  const bundleFile = path.join(out, 'index.js');
  try {
    const built = Math.min(statSync(bundleFile).mtimeMs, statSync(zipFile(out)).mtimeMs);
    const inputs = JSON.parse(readFileSync(inputsFile(out), 'utf8'));
    const stale = [...inputs, 'package-lock.json'].some((file) => statSync(path.join(root, file)).mtimeMs > built);
    if (!stale) return zipFile(out);
  } catch {
    // missing bundle, missing or unreadable inputs list, or an input that is gone: build
  }
  // The zip's hash must depend on the code only: no source map with absolute paths, no timestamps.
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: [entryPoint],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(inputsFile(out), JSON.stringify(Object.keys(result.metafile.inputs)));
  writeFileSync(zipFile(out), zipOneFile('index.js', readFileSync(bundleFile)));
  return zipFile(out);
}

/**
 * Bundles `entryPoints` (paths relative to the repository root) into `outdir`, keeping their relative paths; beside
 * each bundle, <bundle>.inputs.json lists the files it was built from (for bundleIfStale).
 */
function bundle(entryPoints, outdir = 'dist') {
  const result = buildSync({
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
    metafile: true,
    logLevel: 'warning',
  });
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js'))
      writeFileSync(inputsFile(path.join(root, file)), JSON.stringify(Object.keys(output.inputs)));
  }
}

/**
 * Bundles one entry point into dist/ unless its bundle is newer than every file it was built from (listed beside it
 * in <bundle>.inputs.json) and than package-lock.json: `npm run policy-check -- --help` then starts at once.
 */
function bundleIfStale(entryPoint) {
  const out = path.join(root, 'dist', entryPoint.replace(/\.ts$/, '.js'));
  try {
    const built = statSync(out).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile(out), 'utf8'));
    const stale = [...inputs, 'package-lock.json'].some((file) => statSync(path.join(root, file)).mtimeMs > built);
    if (!stale) return;
  } catch {
    // missing bundle, missing or unreadable inputs list, or an input that is gone: build
  }
  bundle([entryPoint]);
}

module.exports = { bundle, bundleFunction, bundleIfStale, ENTRY_POINTS, FUNCTIONS };

if (require.main === module) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((file) => !ENTRY_POINTS.includes(file));
  if (unknown.length > 0) {
    console.error(`build: not an entry point: ${unknown.join(', ')} (known: ${ENTRY_POINTS.join(', ')})`);
    process.exit(2);
  }
  bundle((wanted.length > 0 ? wanted : ENTRY_POINTS).filter((file) => existsSync(path.join(root, file))));
  if (wanted.length === 0 || wanted.includes('main.ts')) FUNCTIONS.forEach((entry) => bundleFunction(entry));
}
