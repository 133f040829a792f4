#!/usr/bin/env bash
# The Rego checks run by `npm test`: opa fmt (as a check), opa check --strict against the wasm SDK's
# capabilities, opa test, and opa test --coverage, which prints the coverage and fails under 90%.
set -euo pipefail
cd "$(dirname "$0")/.."
OPA="$PWD/.tools/bin/opa"
REGO=policies/rego
MIN_COVERAGE=90
[ -x "$OPA" ] || { echo "test-rego: opa is not installed in .tools/bin: run 'npm run setup'" >&2; exit 2; }

unformatted="$("$OPA" fmt --list "$REGO")"
if [ -n "$unformatted" ]; then
  echo "test-rego: not opa fmt clean (run: .tools/bin/opa fmt -w $REGO):" >&2
  echo "$unformatted" >&2
  exit 1
fi
echo "opa fmt: clean"

"$OPA" check --strict --capabilities policies/capabilities.json "$REGO"
echo "opa check --strict: clean"

"$OPA" test "$REGO"

coverage_json="$(mktemp)"
trap 'rm -f "$coverage_json"' EXIT
"$OPA" test --coverage --format json "$REGO" >"$coverage_json"
node -e '
const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const min = Number(process.argv[2]);
const pct = Number(report.coverage ?? 0);
console.log(`opa test coverage: ${pct.toFixed(1)}% (minimum ${min}%)`);
if (!(pct >= min)) {
  for (const [file, f] of Object.entries(report.files ?? {})) if (f.coverage < 100) console.error(`  ${file}: ${f.coverage.toFixed(1)}%`);
  process.exit(1);
}' "$coverage_json" "$MIN_COVERAGE"
