#!/usr/bin/env bash
# `npm test`: installs the pinned test tools if missing (dev/setup-tools.sh: quick when they are there),
# then lint (prettier --check and ESLint, as `npm run lint`), the Rego checks (fmt, check --strict, opa test with
# coverage, Regal), actionlint and zizmor over the workflows, then jest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.tools/bin"

bash dev/setup-tools.sh

require_venv() {
  [ -x "$PWD/.tools/venv/bin/$1" ] || { echo "npm test: $1 is not installed in .tools/venv: run 'npm run setup' first" >&2; exit 2; }
}

require() {
  [ -x "$BIN/$1" ] || { echo "npm test: $1 is not installed in .tools/bin: run 'npm run setup' first" >&2; exit 2; }
}

npm run -s lint

if [ -f policies/build/test-rego.sh ]; then
  require opa
  bash policies/build/test-rego.sh
  require regal
  bash policies/build/regal.sh
fi

if compgen -G ".github/workflows/*.yml" >/dev/null; then
  require actionlint
  echo "actionlint: checking .github/workflows"
  # actionlint runs shellcheck over every `run:` block when it finds it on PATH (pinned in the tools venv).
  PATH="$PWD/.tools/venv/bin:$PATH" "$BIN/actionlint" -no-color
  echo "actionlint: clean"
  # zizmor (security audit of the workflows and .github/dependabot.yml, offline); its config is .github/zizmor.yml, where every finding left
  # is explained. --no-progress: plain output in CI logs.
  require_venv zizmor
  "$PWD/.tools/venv/bin/zizmor" --offline --no-progress --config .github/zizmor.yml .github
  echo "zizmor: clean"
fi

npx jest "$@"
