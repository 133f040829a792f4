#!/usr/bin/env bash
# Which image a deploy runs. This repository builds no image (the app and its Dockerfile live in credex-core, whose
# workflow pushes credex-core:<commit SHA> to ECR; tags are immutable), so a deploy never builds: it runs
#   - the tag asked for (a release or a rollback: `gh workflow run deploy-<env>.yml -f image-tag=<tag>`), or
#   - with no tag, the image the environment's ECS service runs now (an infrastructure-only push to stage/prod),
#     read from the service's current task definition.
# Promotion: with PROMOTE_FROM=<env> (production: staging), a tag asked for must carry the marker
# deployed-<PROMOTE_FROM>-<tag> that the staging deploy writes (tag-deployed-image.sh), or this environment's own
# marker (a rollback to an image it ran before). An immutable tag names one digest, so the tag staging ran is
# byte-for-byte the image production runs.
# Prints the tag on stdout (nothing else); one line on stderr and exit 1 when there is none to deploy.
# Usage: [PROMOTE_FROM=<env>] resolve-image-tag.sh REPOSITORY ENVIRONMENT [TAG]
# Needs ecr:DescribeImages, ecs:DescribeServices, ecs:DescribeTaskDefinition.
set -euo pipefail
repository=${1:?usage: resolve-image-tag.sh REPOSITORY ENVIRONMENT [TAG]}
environment=${2:?usage: resolve-image-tag.sh REPOSITORY ENVIRONMENT [TAG]}
tag=${3:-}
# The names contracts/naming.ts gives the environment's cluster and service (a test keeps them equal).
cluster="credex-cluster-$environment"
service="credex-core-service-$environment"
fail() {
  echo "resolve-image-tag: $*" >&2
  exit 1
}
in_ecr() { aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$1" >/dev/null 2>&1; }

source=asked
if [ -z "$tag" ]; then
  source=running
  # shellcheck disable=SC2016 # `ACTIVE` is a JMESPath literal, not a command substitution
  task_definition=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
    --query 'services[?status==`ACTIVE`] | [0].taskDefinition' --output text 2>/dev/null || true)
  if [ -z "$task_definition" ] || [ "$task_definition" = None ]; then
    fail "no image tag given and $service is not running in $cluster (first deploy?): run the workflow by hand with -f image-tag=<a tag of $repository in ECR>"
  fi
  image=$(aws ecs describe-task-definition --task-definition "$task_definition" \
    --query 'taskDefinition.containerDefinitions[].image' --output json |
    jq -r --arg repo "/$repository:" 'map(select(contains($repo))) | .[0] // empty')
  [ -n "$image" ] || fail "the running task definition $task_definition has no $repository image"
  tag=${image##*:}
fi

[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail "\"$tag\" is not an image tag"
[ "$tag" != no-image-tag-given ] || fail "\"$tag\" is the synth placeholder (contracts/naming.ts UNDEPLOYABLE_IMAGE_TAG), not an image"
in_ecr "$tag" || fail "$repository:$tag is not in ECR"

if [ "$source" = asked ] && [ -n "${PROMOTE_FROM:-}" ]; then
  if ! in_ecr "deployed-$PROMOTE_FROM-$tag" && ! in_ecr "deployed-$environment-$tag"; then
    fail "$repository:$tag was never deployed to $PROMOTE_FROM (no deployed-$PROMOTE_FROM-$tag): $environment runs only images $PROMOTE_FROM ran; deploy it to $PROMOTE_FROM first"
  fi
fi
echo "resolve-image-tag: $environment deploys $repository:$tag ($([ "$source" = running ] && echo "the image running now" || echo "the tag asked for"))" >&2
echo "$tag"
