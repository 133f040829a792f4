#!/usr/bin/env bash
# Gives the image a deploy is about to run an extra tag, deployed-<environment>-<tag> (contracts/naming.ts
# deployedImageTag), before the apply: the repository's lifecycle policy keeps each environment's newest deployed
# images by that prefix (constructs/registry.ts), so no number of pushes for the other environment can expire the
# image an environment runs or may roll back to. Idempotent (a redeploy of the same tag keeps the existing tag).
# Usage: tag-deployed-image.sh REPOSITORY TAG ENVIRONMENT; needs ecr:BatchGetImage, ecr:DescribeImages, ecr:PutImage.
set -euo pipefail
repository=${1:?usage: tag-deployed-image.sh REPOSITORY TAG ENVIRONMENT}
tag=${2:?usage: tag-deployed-image.sh REPOSITORY TAG ENVIRONMENT}
environment=${3:?usage: tag-deployed-image.sh REPOSITORY TAG ENVIRONMENT}
deployed="deployed-$environment-$tag"
if [ "${#deployed}" -gt 128 ]; then
  echo "tag-deployed-image: $deployed is longer than ECR's 128 characters; use a shorter image tag" >&2
  exit 1
fi
if aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$deployed" >/dev/null 2>&1; then
  echo "tag-deployed-image: $repository:$deployed exists already"
  exit 0
fi
image=$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageTag=$tag" \
  --query 'images[0].[imageManifest,imageManifestMediaType]' --output json)
manifest=$(jq -r '.[0] // empty' <<<"$image")
media_type=$(jq -r '.[1] // empty' <<<"$image")
if [ -z "$manifest" ]; then
  echo "tag-deployed-image: $repository:$tag is not in ECR" >&2
  exit 1
fi
aws ecr put-image --repository-name "$repository" --image-tag "$deployed" --image-manifest "$manifest" \
  ${media_type:+--image-manifest-media-type "$media_type"} >/dev/null
echo "tag-deployed-image: $repository:$tag is now also $deployed"
