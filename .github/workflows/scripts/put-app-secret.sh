#!/usr/bin/env bash
# Writes the API's secrets to the Secrets Manager secret $1 as one JSON object: exactly the keys named in
# $APP_SECRET_KEYS (contracts/app.ts APP_SECRET_KEYS, set by deploy.yml), each value from the environment variable of
# the same name. Through a 0600 temporary file: the values never appear on a command line (visible in the process
# list) or in the log. A key the app no longer reads is not written, so the new version drops it.
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
version=$(aws secretsmanager put-secret-value --secret-id "$secret_id" --secret-string "file://$file" --query VersionId --output text)
echo "put-app-secret: wrote a new version of $secret_id with ${keys[*]} ($version)"
