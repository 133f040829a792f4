#!/usr/bin/env bash
# Applies exactly the saved plan the policy gate judged: `terraform -chdir=<stack dir> apply <plan file>`.
# Nothing plans a second time. A plan older than the state (someone applied in between) is refused by Terraform
# ("Saved plan is stale"); this script turns that into one clear line and exit 3 instead of a wall of text, and
# never retries: the deployer runs the workflow again, which plans and judges afresh.
# Usage: apply-saved-plan.sh STACK_DIR PLAN_FILE   (PLAN_FILE absolute, or relative to the current directory)
set -euo pipefail
stack_dir=${1:?usage: apply-saved-plan.sh STACK_DIR PLAN_FILE}
plan=${2:?usage: apply-saved-plan.sh STACK_DIR PLAN_FILE}
[ -f "$plan" ] || { echo "apply-saved-plan: no saved plan at $plan: plan and judge first" >&2; exit 2; }
case "$plan" in /*) ;; *) plan="$PWD/$plan" ;; esac

log=$(mktemp "${RUNNER_TEMP:-/tmp}/apply.XXXXXX")
trap 'rm -f "$log"' EXIT
set +e
terraform -chdir="$stack_dir" apply -input=false -no-color "$plan" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ] && grep -q 'Saved plan is stale' "$log"; then
  msg="the saved plan is stale: the state of $stack_dir changed after it was planned (another apply ran in between); nothing was applied. Run the deploy again to plan and judge the current state."
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::error::$msg"; else echo "apply-saved-plan: $msg" >&2; fi
  exit 3
fi
exit "$rc"
