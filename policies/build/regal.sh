#!/usr/bin/env bash
# Regal over policies/rego, run by `npm test` (dev/test.sh). Regal v0.29.2 parses Rego v0 only, so it lints a
# scratch copy with `import rego.v1` added after each package line; .regal/config.yaml says which style rules the
# project does not follow and why. Any remaining finding (every bug-class rule is on) fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
REGAL="$PWD/.tools/bin/regal"
[ -x "$REGAL" ] || { echo "regal: not installed in .tools/bin: run 'npm run setup'" >&2; exit 2; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r policies/rego "$scratch/rego"
find "$scratch/rego" -name '*.rego' -print0 | xargs -0 sed -i '0,/^package .*/s//&\n\nimport rego.v1/'
# Findings name the scratch copy; show them under policies/rego.
if ! "$REGAL" lint --config-file .regal/config.yaml --no-color "$scratch/rego" >"$scratch/out.txt" 2>&1; then
  sed "s#$scratch/rego#policies/rego#g" "$scratch/out.txt" >&2
  echo "regal: findings above (lint rules and their reasons: .regal/config.yaml)" >&2
  exit 1
fi
echo "regal: clean ($(grep -c '' <<<"$(find policies/rego -name '*.rego')") files)"
