#!/usr/bin/env bash
# The committed provider lock files, terraform/<stack>/.terraform.lock.hcl: one per synthesized stack, holding the
# versions the synthesized required_providers pin and their checksums for linux_amd64 (the runners) and
# darwin_arm64 (deployers' laptops). The deploy copies the stack's file next to its cdk.tf.json and runs
# `terraform init -lockfile=readonly`, so a provider package whose checksum differs is refused.
#   provider-locks.sh write [STACKS_DIR]   regenerate the files (`npm run providers:lock`; needs the registry)
#   provider-locks.sh check [STACKS_DIR]   regenerate into a scratch folder and fail (exit 1) when a committed file
#                                          differs; the regenerated files are left in provider-locks/ to commit
#   provider-locks.sh use STACK STACK_DIR  copy the committed file into STACK_DIR (before terraform init)
# STACKS_DIR defaults to cdktf.out/stacks (npm run synth).
set -euo pipefail
mode=${1:?usage: provider-locks.sh write|check [STACKS_DIR] | use STACK STACK_DIR}
platforms=(-platform=linux_amd64 -platform=darwin_arm64)

if [ "$mode" = use ]; then
  stack=${2:?usage: provider-locks.sh use STACK STACK_DIR}
  stack_dir=${3:?usage: provider-locks.sh use STACK STACK_DIR}
  lock="terraform/$stack/.terraform.lock.hcl"
  [ -f "$lock" ] || { echo "provider-locks: no committed lock file $lock: run npm run providers:lock and commit it" >&2; exit 2; }
  cp "$lock" "$stack_dir/.terraform.lock.hcl"
  exit 0
fi
[ "$mode" = write ] || [ "$mode" = check ] || { echo "provider-locks: unknown mode $mode (write, check, use)" >&2; exit 2; }

stacks_dir=${2:-cdktf.out/stacks}
compgen -G "$stacks_dir/*/cdk.tf.json" >/dev/null || { echo "provider-locks: no synthesized stacks in $stacks_dir: run npm run synth first" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for json in "$stacks_dir"/*/cdk.tf.json; do
  stack=$(basename "$(dirname "$json")")
  # Only the configuration: `providers lock` reads required_providers and downloads nothing else.
  mkdir -p "$scratch/$stack"
  cp "$json" "$scratch/$stack/cdk.tf.json"
  terraform -chdir="$scratch/$stack" providers lock -no-color "${platforms[@]}" >/dev/null
  committed="terraform/$stack/.terraform.lock.hcl"
  if [ "$mode" = write ]; then
    mkdir -p "terraform/$stack"
    cp "$scratch/$stack/.terraform.lock.hcl" "$committed"
    echo "provider-locks: wrote $committed"
  elif ! cmp -s "$scratch/$stack/.terraform.lock.hcl" "$committed"; then
    mkdir -p "provider-locks/$stack"
    cp "$scratch/$stack/.terraform.lock.hcl" "provider-locks/$stack/.terraform.lock.hcl"
    echo "::error file=$committed::$committed differs from what terraform providers lock writes for the synthesized providers (versions or checksums): commit provider-locks/$stack/.terraform.lock.hcl there (npm run providers:lock)"
    status=1
  else
    echo "provider-locks: $committed matches"
  fi
done
exit "$status"
