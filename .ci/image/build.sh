#!/usr/bin/env bash
# Builds the Dockerfile as localhost/opsbot:ci with buildah (no Docker engine, no daemon:
# chroot isolation, vfs storage under .cache/buildah), on the local base of base.sh. The
# published Dockerfile is untouched: a copy with its two FROM lines (the pinned
# node:24-bookworm-slim digest) pointed at the local base is what gets built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source .ci/image/lib.sh

bash .ci/image/base.sh
mkdir -p .cache/image
dockerfile=.cache/image/Dockerfile.ci
sed -E "s|^FROM node:24-bookworm-slim@sha256:[0-9a-f]{64} AS |FROM $BASE_IMAGE AS |" Dockerfile >"$dockerfile"
rewritten=$(grep -c "^FROM $BASE_IMAGE AS " "$dockerfile" || true)
if [ "$rewritten" -ne 2 ] || grep -q "^FROM node:" "$dockerfile"; then
  echo "the Dockerfile's FROM lines are not the two pinned node:24-bookworm-slim ones" >&2
  exit 1
fi
echo "=== buildah bud -t $CI_IMAGE (FROM $BASE_IMAGE)"
# Docker's format, not OCI's: it keeps the HEALTHCHECK.
ci_buildah bud --isolation chroot --format docker --pull-never --quiet --layers=false \
  --build-arg VERSION=ci --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  -f "$dockerfile" -t "$CI_IMAGE" . >/dev/null
# Images of earlier runs lose their name to this one; keep the store from growing.
ci_buildah rmi --prune >/dev/null 2>&1 || true
echo "image $CI_IMAGE: $(ci_buildah images --format '{{.Size}}' "$CI_IMAGE")"
