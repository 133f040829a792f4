/**
 * Policy figures for `npm run bench` (called from tools/bench/cli.ts, which runs from dist/ after dev/build.js):
 * - evalMsPerStackMedian: wasm evaluation of one synthesized stack (normalised input), the wasm loaded once;
 * - policyCheckWallMsMedian: wall time of the whole `npm run -s policy-check` (build, synthesis, evaluation),
 *   measured by spawning it.
 * Both are medians over `runs` runs. Goals: at most 20 ms per stack and 2 s wall on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { loadEngine } from '../../policies/engine/evaluate';
import { normalise, PolicyInput } from '../../policies/engine/normalise';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function synthesizedInputs(): PolicyInput[] {
  const out = mkdtempSync(path.join(tmpdir(), 'credex-bench-'));
  try {
    const main = createRequire(__filename)(path.join(repoRoot(), 'dist', 'main.js')) as {
      synthesizeAll(outdir?: string): { name: string; file: string }[];
    };
    return main.synthesizeAll(out).map((s) => normalise(JSON.parse(readFileSync(s.file, 'utf8')), s.name).input);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchPolicies(runs: number): Promise<{ evalMsPerStackMedian: number; policyCheckWallMsMedian: number }> {
  const n = Math.max(1, Math.floor(runs));
  const engine = await loadEngine();
  const inputs = synthesizedInputs();
  engine.evaluate(inputs[0]); // warm-up: the first call pays for wasm tier-up
  const evalMs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const input of inputs) {
      const start = performance.now();
      engine.evaluate(input);
      evalMs.push(performance.now() - start);
    }
  }
  const wallMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const result = spawnSync('npm', ['run', '-s', 'policy-check', '--', '--format', 'json'], {
      cwd: repoRoot(),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    wallMs.push(performance.now() - start);
    if (result.status !== 0 && result.status !== 1) {
      throw new Error(`policy-check exited ${result.status}: ${(result.stderr ?? '').trim().split('\n').pop()}`);
    }
  }
  return { evalMsPerStackMedian: median(evalMs), policyCheckWallMsMedian: median(wallMs) };
}
