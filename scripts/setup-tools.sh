#!/usr/bin/env bash
# Installs the real components the tests start, pinned, into the git-ignored .tools/ folder:
#   opa and actionlint from the Go module proxy, moto server from PyPI (in a venv), Neo4j from Maven Central.
# Idempotent: a tool already present at its pinned version is kept. Needs go, python3, java 17 and mvn.
set -euo pipefail
cd "$(dirname "$0")/.."

OPA_VERSION=v1.22.3
ACTIONLINT_VERSION=v1.7.12
MOTO_VERSION=5.2.5

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

# moto server in its own virtualenv, so the system Python stays untouched.
if [ "$(cat "$TOOLS/venv/.moto.version" 2>/dev/null)" != "$MOTO_VERSION" ]; then
  need python3
  echo "setup-tools: installing moto[server] $MOTO_VERSION"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  echo "$MOTO_VERSION" > "$TOOLS/venv/.moto.version"
fi

# Neo4j 5.26 Community from Maven Central (its own script owns the version pin and the launcher).
if [ -f scripts/neo4j/setup.sh ]; then
  bash scripts/neo4j/setup.sh
fi

echo "setup-tools: ready in .tools/"
