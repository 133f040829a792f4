#!/usr/bin/env bash
# Writes the API's secrets to the Secrets Manager secret $1 as one JSON object: exactly the keys named in
# $APP_SECRET_KEYS (contracts/app.ts APP_SECRET_KEYS, set by deploy.yml), each value from the environment variable of
# the same name. Through a 0600 temporary file: the values never appear on a command line (visible in the process
# list) or in the log. A key the app no longer reads is not written, so the new version drops it.
#
# A new version only when the value changed, so the current version's creation date is the age of the VALUE (what
# the weekly secret-age check measures), not the date of the last deploy. The current version carries the staging
# label value-<salt>-<sha256 of salt and value>: a salted digest, never the value; anyone who may describe the
# secret sees the label, and the salt keeps equal values in other secrets or environments from showing equal digests.
# Labels of versions that are neither AWSCURRENT nor AWSPREVIOUS are removed: Secrets Manager keeps every labelled
# version and allows 20 labels per secret. A restore from AWSPREVIOUS (docs/deployer-guide.md section 7) brings
# that version's label back with it, so the next deploy of the same values writes nothing.
set -euo pipefail
secret_id=${1:?usage: APP_SECRET_KEYS="KEY ..." put-app-secret.sh SECRET_ID}
read -ra keys <<<"${APP_SECRET_KEYS:?put-app-secret: APP_SECRET_KEYS (the keys to write) is not set}"
[ "${#keys[@]}" -gt 0 ] || { echo "put-app-secret: APP_SECRET_KEYS is empty" >&2; exit 1; }
for key in "${keys[@]}"; do
  [[ $key =~ ^[A-Z][A-Z0-9_]*$ ]] || { echo "put-app-secret: \"$key\" is not a variable name" >&2; exit 1; }
  [ -n "${!key:-}" ] || { echo "put-app-secret: $key is empty" >&2; exit 1; }
done
umask 077
file=$(mktemp "${RUNNER_TEMP:-/tmp}/app-secret.XXXXXX")
trap 'rm -f "$file"' EXIT
jq -n '[$ARGS.positional[] | {key: ., value: env[.]}] | from_entries' --args "${keys[@]}" > "$file"

# The digest label of the value in $file with salt $1 (16 hex digits).
label_for() { printf 'value-%s-%s' "$1" "$( { printf '%s\n' "$1"; cat "$file"; } | sha256sum | cut -c1-64)"; }
# {versionId: [labels]} of the secret; {} before its first value.
stages() { aws secretsmanager describe-secret --secret-id "$secret_id" --query 'VersionIdsToStages' --output json | jq 'if . == null then {} else . end'; }

current=$(stages | jq -r 'to_entries[] | select(.value | index("AWSCURRENT")) | "\(.key) \(.value | map(select(test("^value-[0-9a-f]{16}-[0-9a-f]{64}$"))) | first // "")"')
read -r current_id current_label <<<"${current:-}"
if [[ ${current_label:-} =~ ^value-([0-9a-f]{16})- ]] && [ "$(label_for "${BASH_REMATCH[1]}")" = "$current_label" ]; then
  echo "put-app-secret: $secret_id already holds these values (${keys[*]}; version $current_id): no new version"
  exit 0
fi

label=$(label_for "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')")
version=$(aws secretsmanager put-secret-value --secret-id "$secret_id" --secret-string "file://$file" \
  --version-stages AWSCURRENT "$label" --query VersionId --output text)
echo "put-app-secret: wrote a new version of $secret_id with ${keys[*]} ($version)"

stages | jq -r 'to_entries[] | select(.value | (index("AWSCURRENT") or index("AWSPREVIOUS")) | not)
  | .key as $id | .value[] | select(test("^value-")) | "\($id) \(.)"' |
  while read -r old_id old_label; do
    aws secretsmanager update-secret-version-stage --secret-id "$secret_id" --version-stage "$old_label" \
      --remove-from-version-id "$old_id" >/dev/null
  done
