#!/usr/bin/env bash
# Writes the Terraform CLI configuration the project's own terraform runs name with TF_CLI_CONFIG_FILE
# (.tools/terraform/terraformrc; tools/terraform/local-provider.json says where, and which provider), then warms the
# plugin cache with one `terraform init`, so later inits only link the provider: Terraform's plugin cache is not safe
# for two processes filling it at once, and linking from a filled cache is.
#
# Providers come from a filesystem mirror when the machine has one, else from the registry:
#   CREDEX_TF_MIRROR=DIR        use this mirror (an error when it lacks the provider)
#   CREDEX_TF_MIRROR=registry   use the registry even when a mirror exists
#   unset                       look in the known places below; none holds the provider: the registry
# In CI (CI=true) off GitHub's hosted runners (the project's own CI machine carries the mirror), a missing mirror is
# an error, never a silent fallback. Idempotent: nothing runs when the configuration is current and the cache filled.
# Any problem: one line on stderr, exit 2. Called by dev/setup-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() {
  echo "terraform setup: $*" >&2
  exit 2
}
command -v terraform >/dev/null 2>&1 || fail "'terraform' (>= 1.10) is required but not on PATH"
command -v node >/dev/null 2>&1 || fail "'node' is required but not on PATH"

field() { node -p "require('./tools/terraform/local-provider.json').$1"; }
SOURCE=$(field source)
VERSION=$(field version)
mkdir -p .tools
# The real folder: .tools may be a link shared by several checkouts, and the file must hold paths valid for all.
TOOLS=$(cd .tools && pwd -P)
CONFIG="$TOOLS/$(field cliConfig | sed 's:^\.tools/::')"
CACHE="$TOOLS/$(field pluginCache | sed 's:^\.tools/::')"

case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) fail "unsupported machine $(uname -m)" ;;
esac
PLATFORM="$(uname -s | tr '[:upper:]' '[:lower:]')_$ARCH"

# A mirror holds the provider unpacked (SOURCE/VERSION/PLATFORM/) or packed (SOURCE/terraform-provider-NAME_VERSION_PLATFORM.zip).
holds_provider() {
  [ -d "$1/$SOURCE/$VERSION/$PLATFORM" ] || [ -f "$1/$SOURCE/terraform-provider-${SOURCE##*/}_${VERSION}_$PLATFORM.zip" ]
}
# Known places: this project's CI image, then the folders Terraform itself searches as implied local mirrors.
# CREDEX_TF_MIRROR_SEARCH replaces the list (the tests use it to play a machine without a mirror).
KNOWN="${CREDEX_TF_MIRROR_SEARCH-/opt/tf-plugins /usr/local/share/terraform/plugins /usr/share/terraform/plugins $HOME/.terraform.d/plugins $HOME/.local/share/terraform/plugins}"

MIRROR=""
case "${CREDEX_TF_MIRROR:-}" in
  registry) ;;
  "")
    for dir in $KNOWN; do
      if holds_provider "$dir"; then
        MIRROR=$dir
        break
      fi
    done
    if [ -z "$MIRROR" ] && [ "${CI:-}" = "true" ] && [ "${GITHUB_ACTIONS:-}" != "true" ]; then
      fail "CI without a provider mirror: none of $KNOWN holds $SOURCE $VERSION ($PLATFORM); set CREDEX_TF_MIRROR to the mirror folder (find / -maxdepth 4 -path '*registry.terraform.io/hashicorp' finds one) or to 'registry'"
    fi
    ;;
  *)
    holds_provider "$CREDEX_TF_MIRROR" || fail "CREDEX_TF_MIRROR=$CREDEX_TF_MIRROR does not hold $SOURCE $VERSION ($PLATFORM)"
    MIRROR=$CREDEX_TF_MIRROR
    ;;
esac

if [ -n "$MIRROR" ]; then
  INSTALL="provider_installation {
  filesystem_mirror {
    path    = \"$MIRROR\"
    include = [\"$SOURCE\"]
  }
  direct {
    exclude = [\"$SOURCE\"]
  }
}"
else
  INSTALL='provider_installation {
  direct {}
}'
fi
WANTED="# Written by dev/terraform/setup.sh (npm run setup): the project's terraform runs name it with TF_CLI_CONFIG_FILE.
# Providers: ${MIRROR:-the registry}.
$INSTALL
plugin_cache_dir   = \"$CACHE\"
disable_checkpoint = true"

if [ "$(cat "$CONFIG" 2>/dev/null)" = "$WANTED" ] && [ -e "$CACHE/$SOURCE/$VERSION/$PLATFORM" ]; then
  exit 0
fi

mkdir -p "$(dirname "$CONFIG")" "$CACHE"
# Atomic: another checkout sharing .tools may read it meanwhile.
printf '%s\n' "$WANTED" >"$CONFIG.tmp.$$"
mv "$CONFIG.tmp.$$" "$CONFIG"

echo "terraform setup: $SOURCE $VERSION from ${MIRROR:-the registry}; warming the plugin cache"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '{"terraform":{"required_providers":{"aws":{"source":"%s","version":"%s"}}}}\n' "$SOURCE" "$VERSION" >"$scratch/main.tf.json"
if ! out=$(cd "$scratch" && TF_CLI_CONFIG_FILE="$CONFIG" TF_IN_AUTOMATION=1 timeout 900 terraform init -backend=false -input=false -no-color 2>&1); then
  fail "terraform init of $SOURCE $VERSION failed: $(printf '%s\n' "$out" | grep -m1 -E '^(Error|│ Error)' || printf '%s\n' "$out" | tail -n 1)"
fi
echo "terraform setup: ready ($CONFIG)"
