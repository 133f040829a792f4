#!/usr/bin/env bash
# Fetches the pinned Neo4j Community jars from Maven Central into .tools/neo4j/lib (git-ignored) and compiles the
# test launcher (TestServer.java) and the config check (ConfigCheck.java) into .tools/neo4j/classes. Idempotent: skipped when the stamp matches the pinned
# version and the launcher source. Needs Java 17 (javac) and Maven. Called by dev/setup-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

HERE=dev/neo4j
OUT="$PWD/.tools/neo4j"
VERSION=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$HERE/pom.xml")
STAMP="$VERSION $(sha256sum "$HERE"/*.java "$HERE/pom.xml" | sha256sum | cut -c1-16)"

if [ "$(cat "$OUT/.version" 2>/dev/null)" = "$STAMP" ] && [ -f "$OUT/classes/TestServer.class" ] && [ -f "$OUT/classes/ConfigCheck.class" ]; then
  exit 0
fi

for tool in java javac mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "neo4j setup: '$tool' is required but not on PATH" >&2; exit 2; }
done

echo "neo4j setup: fetching Neo4j Community $VERSION jars from Maven Central"
rm -rf "${OUT:?}/lib" "${OUT:?}/classes"
mkdir -p "$OUT/lib" "$OUT/classes"
mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$OUT/lib"
javac -d "$OUT/classes" -cp "$OUT/lib/*" "$HERE"/*.java
echo "$STAMP" > "$OUT/.version"
echo "neo4j setup: Neo4j $VERSION ready in .tools/neo4j"
