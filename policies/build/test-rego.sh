#!/usr/bin/env bash
# The Rego checks run by `npm test`: opa fmt (as a check), opa check --strict against the wasm SDK's
# capabilities, opa test, and opa test --coverage, which prints the coverage and fails under 90%.
set -euo pipefail
cd "$(dirname "$0")/../.."
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

"$OPA" check --strict --capabilities policies/build/capabilities.json "$REGO"
echo "opa check --strict: clean"

# The capabilities file must reject a builtin the npm wasm SDK cannot run (time.now_ns is not among them).
probe_dir="$(mktemp -d)"
printf 'package probe\n\nnow := time.now_ns()\n' >"$probe_dir/probe.rego"
if "$OPA" check --capabilities policies/build/capabilities.json "$probe_dir/probe.rego" >/dev/null 2>&1; then
  rm -rf "$probe_dir"
  echo "test-rego: policies/build/capabilities.json accepts time.now_ns, a builtin the wasm SDK lacks" >&2
  exit 1
fi
rm -rf "$probe_dir"
echo "capabilities: unsupported builtins rejected"

# opa test's --timeout bounds the whole run (5 s by default): with coverage on a shared 2-core machine the suite
# takes longer than that, so give it room while still stopping a test that never ends.
"$OPA" test --timeout 120s "$REGO"

coverage_json="$(mktemp)"
trap 'rm -f "$coverage_json"' EXIT
"$OPA" test --timeout 120s --coverage --format json "$REGO" >"$coverage_json"
# shellcheck disable=SC2016 # the single-quoted text is JavaScript, not shell
node -e '
const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const min = Number(process.argv[2]);
const pct = Number(report.coverage ?? 0);
console.log(`opa test coverage: ${pct.toFixed(1)}% (minimum ${min}%)`);
if (!(pct >= min)) {
  for (const [file, f] of Object.entries(report.files ?? {})) if (f.coverage < 100) console.error(`  ${file}: ${f.coverage.toFixed(1)}%`);
  process.exit(1);
}' "$coverage_json" "$MIN_COVERAGE"
