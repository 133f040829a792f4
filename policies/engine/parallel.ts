/**
 * Evaluates the chunks of a large document (policies/engine/partition.ts) on the main thread and on worker threads
 * at once. The workers run the same bundle (dist/policies/cli.js) with a flag in workerData, load the wasm once and
 * answer one chunk per message. Without a bundle to run (the TypeScript sources under jest) or with one core, the
 * main thread evaluates every chunk itself; the answer is the same.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadEngine, PolicyEngine, RawFinding } from './evaluate';
import { PolicyInput } from './normalise';

const WORKER_FLAG = 'credexPolicyWorker';

interface Job {
  readonly id: number;
  readonly input: PolicyInput;
}

/** Whether this thread is a policy worker (the entry point must then not run its command). */
export const isPolicyWorker = (): boolean =>
  !isMainThread && typeof workerData === 'object' && workerData !== null && WORKER_FLAG in workerData;

if (isPolicyWorker() && parentPort) {
  const port = parentPort;
  const ready = loadEngine();
  port.on('message', (job: Job) => {
    ready
      .then((engine) => port.postMessage({ id: job.id, findings: engine.evaluate(job.input) }))
      .catch((err: unknown) => port.postMessage({ id: job.id, error: String((err as Error)?.message ?? err) }));
  });
}

/** How many worker threads to start for `chunks` chunks. */
function workerCount(chunks: number): number {
  if (chunks < 4 || !__filename.endsWith('.js')) return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, 3, chunks - 1));
}

/** The findings of every chunk, in chunk order. */
export async function evaluateChunks(engine: PolicyEngine, chunks: readonly PolicyInput[]): Promise<RawFinding[][]> {
  const results: RawFinding[][] = new Array(chunks.length);
  let next = 0;
  const workers = Array.from(
    { length: workerCount(chunks.length) },
    () => new Worker(__filename, { workerData: { [WORKER_FLAG]: true } }),
  );
  const done = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        const give = () => {
          if (next >= chunks.length) {
            resolve();
            return;
          }
          const id = next++;
          worker.postMessage({ id, input: chunks[id] });
        };
        worker.on('message', (m: { id: number; findings?: RawFinding[]; error?: string }) => {
          if (m.error !== undefined) {
            reject(new Error(`policy worker: ${m.error}`));
            return;
          }
          results[m.id] = m.findings ?? [];
          give();
        });
        worker.on('error', reject);
        worker.on('online', give);
      }),
  );
  try {
    while (next < chunks.length) {
      const id = next++;
      results[id] = engine.evaluate(chunks[id]);
      // Let the workers' messages in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(done);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
