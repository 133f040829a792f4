#!/bin/bash
# User data of the throw-away AMI builder (tools/ami/bake.ts). Installs exactly one Neo4j version and edition
# from Neo4j's apt repository on the pinned Ubuntu 24.04 base image, leaves the service disabled (the host's own
# user_data mounts the data volume, writes neo4j.conf, sets the password and only then enables it), and reports
# the outcome by tagging its own instance Neo4jBuild=ready|failed (IMDSv2 + a SigV4-signed EC2 CreateTags call
# with the instance role's credentials; the bake command polls that tag).
#
# bake.ts replaces the two placeholders below with validated values (X.Y.Z and community|enterprise).
# The null_resource re-bakes when this file's sha256 changes (buildScriptHash()), so keep edits deliberate.
set -euo pipefail

NEO4J_VERSION='@NEO4J_VERSION@'
NEO4J_EDITION='@NEO4J_EDITION@'
STEP=start
LOG=/var/log/neo4j-ami-build.log
exec > >(tee -a "$LOG") 2>&1

# Overridable for other partitions (e.g. amazonaws.com.cn) and for the tests, which point them at a local
# metadata server and moto; on a builder neither is set.
IMDS_URL=${NEO4J_AMI_IMDS_URL:-http://169.254.169.254}

imds() { # path -> IMDSv2 metadata value
  local token
  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS_URL/latest/api/token")
  curl -sf -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/$1"
}

report() { # state [step] -> tags this instance Neo4jBuild=state (and Neo4jBuildStep=step)
  local state=$1 step=${2:-} instance region role creds ak sk token body
  instance=$(imds meta-data/instance-id)
  region=$(imds meta-data/placement/region)
  role=$(imds meta-data/iam/security-credentials/ | head -n1)
  creds=$(imds "meta-data/iam/security-credentials/$role")
  ak=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])')
  sk=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretAccessKey"])')
  token=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Token"])')
  body="Action=CreateTags&Version=2016-11-15&ResourceId.1=$instance&Tag.1.Key=Neo4jBuild&Tag.1.Value=$state"
  if [ -n "$step" ]; then body="$body&Tag.2.Key=Neo4jBuildStep&Tag.2.Value=$step"; fi
  curl -sf --retry 5 --retry-all-errors --aws-sigv4 "aws:amz:$region:ec2" --user "$ak:$sk" \
    -H "x-amz-security-token: $token" --data "$body" "${NEO4J_AMI_EC2_URL:-https://ec2.$region.amazonaws.com/}" >/dev/null
}

trap 'echo "neo4j-ami: failed at step $STEP"; report failed "$STEP" || echo "neo4j-ami: could not report failure"' ERR

case "$NEO4J_EDITION" in
  community) PACKAGE=neo4j ;;
  enterprise) PACKAGE=neo4j-enterprise ;;
  *) STEP=edition; false ;;
esac
# Neo4j's apt repository: the 5.x LTS packages sit in the "5" component, calendar versions (2025.x+) in "latest".
case "$NEO4J_VERSION" in
  5.*) COMPONENT=5 ;;
  20[2-9][0-9].*) COMPONENT=latest ;;
  *) STEP=version; false ;;
esac

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

STEP=apt-upgrade
cloud-init status --wait >/dev/null || true
apt-get update
apt-get "${APT_OPTS[@]}" upgrade

STEP=host-tools
# The host's user_data reads its password from Secrets Manager with the AWS CLI and jq (constructs/neo4j-user-data.ts).
apt-get "${APT_OPTS[@]}" install jq
snap wait system seed.loaded
snap install aws-cli --classic
aws --version

STEP=neo4j-repository
apt-get "${APT_OPTS[@]}" install ca-certificates curl gnupg
install -d -m 0755 /etc/apt/keyrings
curl -fsSL https://debian.neo4j.com/neotechnology.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/neotechnology.gpg
echo "deb [signed-by=/etc/apt/keyrings/neotechnology.gpg] https://debian.neo4j.com stable $COMPONENT" \
  > /etc/apt/sources.list.d/neo4j.list
apt-get update

STEP=neo4j-install
if [ "$PACKAGE" = neo4j-enterprise ]; then
  # The Enterprise package asks for its licence during installation; only production bakes this edition.
  echo 'neo4j-enterprise neo4j/question select I ACCEPT' | debconf-set-selections
  echo 'neo4j-enterprise neo4j/license note' | debconf-set-selections
fi
apt-get "${APT_OPTS[@]}" install "$PACKAGE=1:$NEO4J_VERSION"
apt-mark hold "$PACKAGE"
installed=$(dpkg-query -W -f='${Version}' "$PACKAGE")
[ "$installed" = "1:$NEO4J_VERSION" ]

STEP=neo4j-disable
# Disabled and stopped: the host's user_data enables it once the data volume and neo4j.conf are in place.
systemctl disable --now neo4j
# Nothing from a first start may ship in the image (no store, no auth file with the default password).
rm -rf /var/lib/neo4j/data/* /var/log/neo4j/*
printf 'NEO4J_VERSION=%s\nNEO4J_EDITION=%s\nBUILT_AT=%s\n' "$NEO4J_VERSION" "$NEO4J_EDITION" "$(date -u +%FT%TZ)" \
  > /etc/neo4j-ami-release

STEP=cleanup
apt-get clean
rm -rf /var/lib/apt/lists/*
# The instance launched from the image runs its own user_data as a fresh cloud-init instance.
cloud-init clean --logs

STEP=report-ready
trap - ERR
report ready
echo "neo4j-ami: Neo4j $NEO4J_EDITION $NEO4J_VERSION installed; reported ready"
