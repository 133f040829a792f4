#!/bin/bash
# User data of the throw-away test instance that `ami bake --test-image` boots from a freshly baked image
# (tools/ami/test-image.ts). Proves the image works before any host may use it: sets a random initial password,
# starts Neo4j (installed but disabled in the image), waits for Bolt, and asks the server over Bolt (cypher-shell,
# shipped with Neo4j) for its version and edition. Reports by tagging its own instance Neo4jImageTest=passed|failed
# (and Neo4jImageTestReason=<step> on failure) with a SigV4-signed EC2 CreateTags call, as the builder does. The
# instance is terminated by the command whatever happens; the password never leaves the instance.
#
# test-image.ts replaces the two placeholders below with validated values (X.Y.Z and community|enterprise).
set -euo pipefail

EXPECTED_VERSION='@NEO4J_VERSION@'
EXPECTED_EDITION='@NEO4J_EDITION@'
STEP=start
LOG=/var/log/neo4j-image-test.log
exec > >(tee -a "$LOG") 2>&1

IMDS_URL=${NEO4J_AMI_IMDS_URL:-http://169.254.169.254}

imds() { # path -> IMDSv2 metadata value
  local token
  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS_URL/latest/api/token")
  curl -sf -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/$1"
}

report() { # state [reason] -> tags this instance Neo4jImageTest=state (and Neo4jImageTestReason=reason)
  local state=$1 reason=${2:-} instance region role creds ak sk token body
  instance=$(imds meta-data/instance-id)
  region=$(imds meta-data/placement/region)
  role=$(imds meta-data/iam/security-credentials/ | head -n1)
  creds=$(imds "meta-data/iam/security-credentials/$role")
  ak=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])')
  sk=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretAccessKey"])')
  token=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Token"])')
  body="Action=CreateTags&Version=2016-11-15&ResourceId.1=$instance&Tag.1.Key=Neo4jImageTest&Tag.1.Value=$state"
  if [ -n "$reason" ]; then body="$body&Tag.2.Key=Neo4jImageTestReason&Tag.2.Value=$reason"; fi
  curl -sf --retry 5 --retry-all-errors --aws-sigv4 "aws:amz:$region:ec2" --user "$ak:$sk" \
    -H "x-amz-security-token: $token" --data "$body" "${NEO4J_AMI_EC2_URL:-https://ec2.$region.amazonaws.com/}" >/dev/null
}

trap 'echo "neo4j-image-test: failed at step $STEP"; report failed "$STEP" || echo "neo4j-image-test: could not report failure"' ERR

STEP=password
PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
sudo -u neo4j neo4j-admin dbms set-initial-password "$PASSWORD" >/dev/null

STEP=licence
if [ "$EXPECTED_EDITION" = enterprise ]; then neo4j-admin server license --accept-commercial >/dev/null; fi

STEP=start
systemctl start neo4j

STEP=bolt
for _ in $(seq 1 60); do
  if cypher-shell -a bolt://127.0.0.1:7687 -u neo4j -p "$PASSWORD" --format plain 'RETURN 1' >/dev/null 2>&1; then break; fi
  sleep 5
done

STEP=components
ANSWER=$(cypher-shell -a bolt://127.0.0.1:7687 -u neo4j -p "$PASSWORD" --format plain \
  'CALL dbms.components() YIELD versions, edition RETURN versions[0], edition' | tail -n1 | tr -d '"' | tr -d ' ')
unset PASSWORD
echo "neo4j-image-test: server answered $ANSWER"

STEP=version
[ "$ANSWER" = "$EXPECTED_VERSION,$EXPECTED_EDITION" ]

STEP=stop
systemctl stop neo4j
report passed
