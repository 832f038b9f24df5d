#!/usr/bin/env bash
# GitHub dispatch variant, shared by deploy.sh and rollback.sh: runs LabPics's own
# production workflow (deploy-prod.yml, input `ref`) for one exact commit and follows it.
# Needs the `gh` CLI logged in under the bot user's HOME (`gh auth login`); settings in
# dispatch.env beside this script (see dispatch.env.example).
set -euo pipefail
action="$1"
ref="$2"
here="$(dirname "$0")"
# shellcheck source=/dev/null
[[ -r "$here/dispatch.env" ]] && source "$here/dispatch.env"
REPO="${REPO:-lemone112/labpics-mcp-bot}"
WORKFLOW="${WORKFLOW:-deploy-prod.yml}"
GH="${GH:-gh}"
FIND_TRIES="${FIND_TRIES:-30}"

# A git ref, never a path: it goes into an API path below.
[[ "$ref" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$ && "$ref" != *..* ]] || {
  echo "refused: bad ref" >&2
  exit 2
}

# The workflow checks out whatever `ref` names when it runs; a commit id pins what was
# asked for now, and is what a later rollback dispatches.
sha="$("$GH" api "repos/$REPO/commits/$ref" --jq .sha)"
[[ "$sha" =~ ^[0-9a-f]{40}$ ]] || {
  echo "could not resolve '$ref' in $REPO" >&2
  exit 1
}
echo "$action $ref = $sha ($REPO, $WORKFLOW)"

runs() { "$GH" run list --repo "$REPO" --workflow "$WORKFLOW" \
  --limit 20 --json databaseId --jq '.[].databaseId'; }
before="$(runs)"
"$GH" workflow run "$WORKFLOW" --repo "$REPO" -f "ref=$sha"
echo "→ dispatched; waiting for the run to appear"

# gh does not say which run a dispatch started: the new one is the id that was not there.
run=""
for ((try = 1; try <= FIND_TRIES; try++)); do
  run="$(runs | grep -vxF -e "${before:-none}" | head -n 1 || true)"
  [[ -n "$run" ]] && break
  sleep 2
done
[[ -n "$run" ]] || {
  echo "no new run of $WORKFLOW appeared; check the Actions tab of $REPO" >&2
  exit 1
}
echo "→ following run $run (https://github.com/$REPO/actions/runs/$run)"
"$GH" run watch "$run" --repo "$REPO" --exit-status --interval 10
echo "opsbot: commit $sha"
