#!/usr/bin/env bash
# Writes the API's secrets (JWT_SECRET, OPEN_EXCHANGE_RATES_API, WHATSAPP_BOT_API_KEY, from the environment)
# to the Secrets Manager secret $1 as one JSON object, through a 0600 temporary file: the values never appear on
# a command line (visible in the process list) or in the log.
set -euo pipefail
secret_id=${1:?usage: put-app-secret.sh SECRET_ID}
for key in JWT_SECRET OPEN_EXCHANGE_RATES_API WHATSAPP_BOT_API_KEY; do
  [ -n "${!key:-}" ] || { echo "put-app-secret: $key is empty" >&2; exit 1; }
done
umask 077
file=$(mktemp "${RUNNER_TEMP:-/tmp}/app-secret.XXXXXX")
trap 'rm -f "$file"' EXIT
jq -n '{JWT_SECRET: env.JWT_SECRET, OPEN_EXCHANGE_RATES_API: env.OPEN_EXCHANGE_RATES_API, WHATSAPP_BOT_API_KEY: env.WHATSAPP_BOT_API_KEY}' > "$file"
version=$(aws secretsmanager put-secret-value --secret-id "$secret_id" --secret-string "file://$file" --query VersionId --output text)
echo "put-app-secret: wrote a new version of $secret_id ($version)"
