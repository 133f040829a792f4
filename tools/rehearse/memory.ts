/**
 * Peak memory of the rehearsal: the resident set (RSS) of this process and every process under it (moto, the two
 * Neo4j JVMs, the app, terraform and its provider, verify, the rotation function), sampled from /proc once a second.
 * A sample sums what is alive at that moment; the peak is the largest sum seen. Linux only: elsewhere the sampler
 * reports nothing rather than a guess.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryPeak {
  /** Largest sum of RSS over the process tree in one sample, in MiB (0 when /proc is not readable). */
  readonly peakMiB: number;
  /** Each command's (by /proc comm) largest RSS seen in a sample, in MiB, largest first. */
  readonly byCommand: readonly { readonly command: string; readonly peakMiB: number }[];
  readonly samples: number;
}

const PAGE_KIB = 4; // x86-64 and arm64 Linux page size used by /proc/<pid>/statm

/** pid -> { parent, command, rss KiB } of every readable process. */
function processTable(): Map<number, { ppid: number; comm: string; rssKiB: number }> {
  const table = new Map<number, { ppid: number; comm: string; rssKiB: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      const rssPages = Number(readFileSync(`/proc/${name}/statm`, 'utf8').split(' ')[1]);
      table.set(Number(name), { ppid, comm, rssKiB: rssPages * PAGE_KIB });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** One sample: RSS per command over `root` and its descendants, in KiB. */
export function sampleTree(root: number = process.pid): Map<string, number> {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const byCommand = new Map<string, number>();
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const p = table.get(pid);
    if (p) byCommand.set(p.comm, (byCommand.get(p.comm) ?? 0) + p.rssKiB);
    queue.push(...(children.get(pid) ?? []));
  }
  return byCommand;
}

/** Samples the tree every `intervalMs` until stopped; `stop()` returns the peaks. */
export function watchMemory(intervalMs = 1000): { stop(): MemoryPeak } {
  let peakKiB = 0;
  let samples = 0;
  const byCommand = new Map<string, number>();
  const sample = () => {
    try {
      const now = sampleTree();
      let total = 0;
      for (const [command, kib] of now) {
        total += kib;
        byCommand.set(command, Math.max(byCommand.get(command) ?? 0, kib));
      }
      peakKiB = Math.max(peakKiB, total);
      samples++;
    } catch {
      // no /proc: nothing to report
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  const mib = (kib: number) => Math.round(kib / 1024);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        peakMiB: mib(peakKiB),
        byCommand: [...byCommand].sort((a, b) => b[1] - a[1]).map(([command, kib]) => ({ command, peakMiB: mib(kib) })),
        samples,
      };
    },
  };
}
