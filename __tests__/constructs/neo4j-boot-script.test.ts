/**
 * The Neo4j hosts' boot script, run for real by bash in a private user and mount namespace (tmpfs over /etc and /var/lib,
 * so the machine's own files are never touched), with the AWS- and disk-specific commands replaced by recording
 * stubs. What matters most is proven here: an existing data volume is never formatted, and the initial password
 * is set only for a new database and never printed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Neo4jEdition } from '../../config';
import { neo4jConf, neo4jMemory, neo4jUserData } from '../../constructs/neo4j-user-data';

const VOLUME = 'vol-0123456789abcdef0';
const PASSWORD = 'generated-Pa55word-from-secrets-manager';

/** Stub commands: each appends its arguments to $T/log (passwords never reach it) and plays its part from $T/state. */
const STUBS: Record<string, string> = {
  lsblk: `echo "nvme0n1 vol0root"; [ -e "$T/state/attached" ] && echo "nvme1n1 ${VOLUME.replace('-', '')}"; true`,
  blkid: '[ -e "$T/state/has-fs" ]',
  'mkfs.ext4': 'echo "mkfs.ext4 $*" >> "$T/log"; touch "$T/state/has-fs"',
  mount: 'echo "mount $*" >> "$T/log"',
  chown: 'echo "chown $*" >> "$T/log"',
  sleep: 'true',
  aws: `echo "aws $*" >> "$T/log"; echo '{"username":"neo4j","password":"${PASSWORD}"}'`,
  jq: `sed -n 's/.*"password":"\\([^"]*\\)".*/\\1/p'`,
  sudo: 'shift 2; exec "$@"',
  'neo4j-admin': [
    'case "$1 $2" in',
    '  "dbms set-initial-password") echo "neo4j-admin dbms set-initial-password <password>" >> "$T/log"; printf %s "$3" > "$T/password-used" ;;',
    '  "server license") echo "neo4j-admin $*" >> "$T/log" ;;',
    '  *) echo "neo4j-admin: unexpected $1 $2" >&2; exit 9 ;;',
    'esac',
  ].join('\n'),
  systemctl: 'echo "systemctl $*" >> "$T/log"',
};

interface Run {
  status: number | null;
  output: string;
  log: string[];
  conf: string;
  fstab: string;
  passwordUsed?: string;
}

function boot(options: {
  edition: Neo4jEdition;
  attached: boolean;
  hasFilesystem: boolean;
  hasDatabase: boolean;
  fstab?: string;
}): Run {
  const t = mkdtempSync(path.join(tmpdir(), 'neo4j-boot-'));
  try {
    mkdirSync(path.join(t, 'bin'));
    mkdirSync(path.join(t, 'state'));
    mkdirSync(path.join(t, 'out'));
    for (const [name, body] of Object.entries(STUBS)) {
      writeFileSync(path.join(t, 'bin', name), `#!/bin/bash\n${body}\n`);
      chmodSync(path.join(t, 'bin', name), 0o755);
    }
    if (options.attached) writeFileSync(path.join(t, 'state', 'attached'), '');
    if (options.hasFilesystem) writeFileSync(path.join(t, 'state', 'has-fs'), '');
    writeFileSync(path.join(t, 'log'), '');
    writeFileSync(path.join(t, 'fstab'), options.fstab ?? '');
    const script = neo4jUserData({
      region: 'af-south-1',
      edition: options.edition,
      memory: neo4jMemory('t3.medium')!,
      dataVolumeId: VOLUME,
      passwordSecretArn:
        'arn:aws:secretsmanager:af-south-1:123456789012:secret:credex/staging/neo4j/ledgerspace-AbCdEf',
    });
    writeFileSync(path.join(t, 'user-data.sh'), script);
    // Inside the namespace: private tmpfs over /etc and /var/lib, the files the script expects, run it, copy results out.
    const inNamespace = [
      'set -e',
      'mount --make-rprivate /',
      // Debian's /usr/bin/awk and friends are links through /etc/alternatives: keep that one folder visible.
      'mkdir "$T/etc" && mount --bind /etc "$T/etc"',
      'mount -t tmpfs tmpfs /etc && mkdir -p /etc/neo4j /etc/alternatives && cp "$T/fstab" /etc/fstab',
      'mount --bind "$T/etc/alternatives" /etc/alternatives',
      'mount -t tmpfs tmpfs /var/lib',
      options.hasDatabase ? 'mkdir -p /var/lib/neo4j-data/data/dbms' : 'true',
      'set +e',
      'PATH="$T/bin:/usr/bin:/bin:/usr/sbin:/sbin" bash "$T/user-data.sh" > "$T/out/output" 2>&1',
      'status=$?',
      'cp /etc/fstab "$T/out/fstab"; cp /etc/neo4j/neo4j.conf "$T/out/neo4j.conf" 2>/dev/null',
      'exit $status',
    ].join('\n');
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', '--fork', 'bash', '-c', inNamespace], {
      env: { ...process.env, T: t },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const read = (f: string) => (existsSync(path.join(t, f)) ? readFileSync(path.join(t, f), 'utf8') : '');
    return {
      status: r.status,
      output: read('out/output') + r.stderr,
      log: read('log').split('\n').filter(Boolean),
      conf: read('out/neo4j.conf'),
      fstab: read('out/fstab'),
      passwordUsed: existsSync(path.join(t, 'password-used')) ? read('password-used') : undefined,
    };
  } finally {
    rmSync(t, { recursive: true, force: true });
  }
}

test('a blank data volume is formatted once, mounted, configured, and gets the password from Secrets Manager', () => {
  const run = boot({ edition: 'community', attached: true, hasFilesystem: false, hasDatabase: false });
  expect(run.status).toBe(0);
  expect(run.log.filter((l) => l.startsWith('mkfs.ext4'))).toEqual(['mkfs.ext4 -q -L neo4j-data /dev/nvme1n1']);
  expect(run.fstab).toBe('LABEL=neo4j-data /var/lib/neo4j-data ext4 defaults,nofail 0 2\n');
  expect(run.conf).toBe(neo4jConf(neo4jMemory('t3.medium')!));
  expect(run.log).toContain(
    'aws secretsmanager get-secret-value --region af-south-1 --secret-id arn:aws:secretsmanager:af-south-1:123456789012:secret:credex/staging/neo4j/ledgerspace-AbCdEf --query SecretString --output text',
  );
  expect(run.passwordUsed).toBe(PASSWORD);
  expect(run.log.slice(-2)).toEqual(['systemctl enable neo4j', 'systemctl restart neo4j']);
  expect(run.output).not.toContain(PASSWORD);
  expect(run.log.join('\n')).not.toContain(PASSWORD);
  expect(run.log.some((l) => l.startsWith('neo4j-admin server license'))).toBe(false);
});

test('an existing data volume with a database is never formatted and its users are kept', () => {
  const fstab = 'LABEL=neo4j-data /var/lib/neo4j-data ext4 defaults,nofail 0 2\n';
  const run = boot({ edition: 'community', attached: true, hasFilesystem: true, hasDatabase: true, fstab });
  expect(run.status).toBe(0);
  expect(run.log.some((l) => l.startsWith('mkfs'))).toBe(false);
  expect(run.log.some((l) => l.startsWith('aws secretsmanager'))).toBe(false);
  expect(run.passwordUsed).toBeUndefined();
  expect(run.fstab).toBe(fstab); // not appended twice
  expect(run.log).toContain('systemctl restart neo4j');
});

test('production (Enterprise) accepts the commercial licence before starting', () => {
  const run = boot({ edition: 'enterprise', attached: true, hasFilesystem: false, hasDatabase: false });
  expect(run.status).toBe(0);
  const licence = run.log.indexOf('neo4j-admin server license --accept-commercial');
  expect(licence).toBeGreaterThan(-1);
  expect(licence).toBeLessThan(run.log.indexOf('systemctl restart neo4j'));
});

test('a data volume that never attaches stops the boot with a clear message and touches nothing', () => {
  const run = boot({ edition: 'community', attached: false, hasFilesystem: false, hasDatabase: false });
  expect(run.status).toBe(1); // the script's own exit, not a timeout (null) or a crash
  expect(run.output).toContain(`neo4j-host: data volume ${VOLUME} never attached`);
  expect(run.log.some((l) => /^(mkfs|systemctl|aws)/.test(l))).toBe(false);
});
