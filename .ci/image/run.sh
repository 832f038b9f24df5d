#!/usr/bin/env bash
# Runs the image built by build.sh the way `docker run --init --network host -e NAME …`
# would, for the image smoke test: a working container of localhost/opsbot:ci, its own CMD
# under `buildah run` (chroot isolation, the host's network, the image's user and workdir),
# each variable named as an argument passed on from this environment. `buildah run` does not
# pass SIGTERM on to the bot (it dies without its shutdown), so this script does: SIGTERM
# or SIGINT here reaches the bot's own process. The working container is removed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source .ci/image/lib.sh

ctr=$(ci_buildah from --pull-never --quiet "$CI_IMAGE")
trap 'ci_buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
env_args=()
for name in "$@"; do env_args+=(--env "$name=${!name}"); done
mapfile -t cmd < <(ci_buildah inspect --type image --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$CI_IMAGE" | sed '/^$/d')

ci_buildah run --isolation chroot --network host "${env_args[@]}" "$ctr" -- "${cmd[@]}" &
runner=$!
# The bot is the innermost process under buildah run (runtime → chroot exec → node).
forward() {
  local pid=$runner child
  while child=$(pgrep -P "$pid" | head -n 1) && [[ -n "$child" ]]; do pid=$child; done
  [[ "$pid" != "$runner" ]] && kill -s "$1" "$pid" 2>/dev/null || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT
# `wait` returns early when a trap runs: wait again until buildah run itself has exited.
status=0
while kill -0 "$runner" 2>/dev/null; do
  wait "$runner" && status=0 || status=$?
done
exit "$status"
