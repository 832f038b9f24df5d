# Shared by the image scripts under .ci/image: buildah with everything under .cache/buildah
# (vfs storage: no overlay mounts inside a CI container), and the names of the images.
# The Node version of the local base follows the Dockerfile's (node:24-bookworm-slim).
IMAGE_NODE_VERSION=${IMAGE_NODE_VERSION:-24.22.3}
IMAGE_NPM_VERSION=${IMAGE_NPM_VERSION:-11.21.3}
BASE_IMAGE=localhost/opsbot-ci-base:node$IMAGE_NODE_VERSION
CI_IMAGE=localhost/opsbot:ci
STORE=$PWD/.cache/buildah

ci_buildah() {
  buildah --storage-driver vfs --root "$STORE/root" --runroot "$STORE/run" "$@"
}
