import { Neo4jEdition } from '../config';
import { BOLT_PORT } from '../contracts/neo4j';

/** Memory of the instance types a Neo4j host may use, in GiB (heap and page cache are sized from it). */
export const INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  't3.medium': 4,
  't3.large': 8,
  't3.xlarge': 16,
  'm5.large': 8,
  'm5.xlarge': 16,
  'm5.2xlarge': 32,
  'r5.large': 16,
  'r5.xlarge': 32,
};

export interface Neo4jMemory {
  /** Heap (initial = max), e.g. "1g". */
  readonly heap: string;
  /** Page cache, e.g. "1536m". */
  readonly pageCache: string;
}

/**
 * Heap a quarter of RAM, page cache 40%, the rest for the OS and off-heap transaction state: the split
 * neo4j-admin server memory-recommendation gives for small hosts that only run Neo4j.
 * Returns undefined for an instance type not in INSTANCE_MEMORY_GIB.
 */
export function neo4jMemory(instanceType: string): Neo4jMemory | undefined {
  const gib = INSTANCE_MEMORY_GIB[instanceType];
  if (gib === undefined) return undefined;
  return { heap: `${Math.max(1, Math.floor(gib / 4))}g`, pageCache: `${Math.floor(gib * 1024 * 0.4)}m` };
}

/** Where the data volume is mounted on the host. */
export const NEO4J_DATA_DIR = '/var/lib/neo4j-data';

/**
 * The host's neo4j.conf. Bolt is plaintext inside the VPC (TLS needs an SSL policy with certificates: Neo4j refuses
 * to start with `tls_level` OPTIONAL or REQUIRED without one); only the API tasks' security group reaches it.
 * A test starts a real Neo4j 5.26 with this file.
 */
export function neo4jConf(memory: Neo4jMemory): string {
  return [
    `server.directories.data=${NEO4J_DATA_DIR}/data`,
    'server.default_listen_address=0.0.0.0',
    'server.bolt.enabled=true',
    `server.bolt.listen_address=:${BOLT_PORT}`,
    'server.bolt.tls_level=DISABLED',
    'server.http.enabled=false',
    'server.https.enabled=false',
    'dbms.security.auth_enabled=true',
    `server.memory.heap.initial_size=${memory.heap}`,
    `server.memory.heap.max_size=${memory.heap}`,
    `server.memory.pagecache.size=${memory.pageCache}`,
    '',
  ].join('\n');
}

export interface Neo4jUserDataProps {
  readonly region: string;
  readonly edition: Neo4jEdition;
  readonly memory: Neo4jMemory;
  /** Id of the data volume (a Terraform reference): the script finds its NVMe device by serial. */
  readonly dataVolumeId: string;
  /** ARN of the host's own password secret (a Terraform reference), read at boot through the instance role. */
  readonly passwordSecretArn: string;
}

/**
 * The host's boot script. It holds no password: it reads the initial password from Secrets Manager at boot,
 * through the instance role, and only when the data volume holds no database yet (a replaced instance keeps
 * the users it finds on the volume). The script writes shell variables as `$VAR`, never with braces: in Terraform
 * JSON a `${` starts an interpolation, so the only `${...}` in the result are the two Terraform references.
 */
export function neo4jUserData(p: Neo4jUserDataProps): string {
  const licence =
    p.edition === 'enterprise'
      ? [
          '# Enterprise Edition: accept the commercial licence (production holds a Neo4j licence).',
          'neo4j-admin server license --accept-commercial',
        ]
      : ['# Community Edition: no licence to accept.'];
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `REGION='${p.region}'`,
    `SECRET_ID='${p.passwordSecretArn}'`,
    `VOLUME_ID='${p.dataVolumeId}'`,
    `DATA_DIR=${NEO4J_DATA_DIR}`,
    '',
    '# 1. The data volume is attached after boot: wait for its NVMe device (serial = volume id without the dash).',
    'SERIAL="$(echo "$VOLUME_ID" | tr -d -)"',
    'DEVICE=""',
    'for _ in $(seq 1 120); do',
    '  DEVICE="$(lsblk -dno NAME,SERIAL | awk -v s="$SERIAL" \'$2 == s { print "/dev/" $1 }\')"',
    '  [ -n "$DEVICE" ] && break',
    '  sleep 5',
    'done',
    '[ -n "$DEVICE" ] || { echo "neo4j-host: data volume $VOLUME_ID never attached" >&2; exit 1; }',
    '',
    '# 2. Format only a blank volume: an existing file system holds the database and is never touched.',
    'blkid "$DEVICE" >/dev/null 2>&1 || mkfs.ext4 -q -L neo4j-data "$DEVICE"',
    'mkdir -p "$DATA_DIR"',
    'grep -q "LABEL=neo4j-data" /etc/fstab || echo "LABEL=neo4j-data $DATA_DIR ext4 defaults,nofail 0 2" >> /etc/fstab',
    'mount -a',
    'mkdir -p "$DATA_DIR/data"',
    'chown -R neo4j:neo4j "$DATA_DIR"',
    '',
    '# 3. neo4j.conf: Bolt only (browser ports 7474/7473 off), data on the volume, memory sized to the instance.',
    "cat > /etc/neo4j/neo4j.conf <<'CONF'",
    neo4jConf(p.memory).trimEnd(),
    'CONF',
    '',
    ...licence,
    '',
    '# 4. Initial password, only for a new database; read through the instance role and never echoed.',
    'if [ ! -d "$DATA_DIR/data/dbms" ]; then',
    '  PASSWORD="$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$SECRET_ID" --query SecretString --output text | jq -r .password)"',
    '  sudo -u neo4j neo4j-admin dbms set-initial-password "$PASSWORD" >/dev/null',
    '  unset PASSWORD',
    'fi',
    '',
    'systemctl enable neo4j',
    'systemctl restart neo4j',
    '',
  ].join('\n');
}
