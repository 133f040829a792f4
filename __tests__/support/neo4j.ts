import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toolsDir } from '../../lib/paths';
import { freePort } from './ports';

/** The tests' Neo4j server is the tools' (tools/rehearse/neo4j-server.ts): one implementation. */
export { startNeo4j, type Neo4jServer, type Neo4jStartOptions } from '../../tools/rehearse/neo4j-server';

/**
 * Boots a real Neo4j with `conf` (a neo4j.conf the infrastructure generates), overriding only the data folder and
 * the Bolt address, and reports whether it started: "STARTED 127.0.0.1:PORT" or "INVALID <reason>".
 */
export async function checkNeo4jConf(conf: string): Promise<{ started: boolean; line: string }> {
  const dir = path.join(toolsDir(), 'neo4j');
  if (!existsSync(path.join(dir, 'classes', 'ConfigCheck.class'))) {
    throw new Error(`Neo4j config check not installed in ${dir}: run "npm run setup" first`);
  }
  const home = mkdtempSync(path.join(tmpdir(), 'neo4j-conf-'));
  const file = path.join(home, 'neo4j.conf');
  writeFileSync(file, conf);
  const port = await freePort();
  try {
    const { status, stdout, stderr } = spawnSync(
      'java',
      [
        '-Xms128m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-cp',
        `${dir}/lib/*:${dir}/classes`,
        'ConfigCheck',
        file,
        path.join(home, 'db'),
        String(port),
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    const line =
      stdout.split('\n').find((l) => /^(STARTED|INVALID) /.test(l)) ??
      `no answer (exit ${status}): ${stderr.slice(-500)}`;
    return { started: status === 0 && line.startsWith('STARTED'), line };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
