#!/usr/bin/env bash
# GitHub dispatch variant, shared by deploy.sh and rollback.sh: runs LabPics's own
# production workflow (deploy-prod.yml, input `ref`) for one exact commit and follows it.
# Each dispatch carries a mark of its own (input DISPATCH_INPUT, shown in the run's name
# by the workflow's `run-name`), and only the run with that mark is followed, never
# someone else's run that started at the same time (docs/deploy-labpics.md says what to
# add to the workflow). Needs the `gh` CLI logged in under the bot user's HOME
# (`gh auth login`); settings in dispatch.env beside this script (see dispatch.env.example).
set -euo pipefail
action="$1"
ref="$2"
here="$(dirname "$0")"
# shellcheck source=/dev/null
[[ -r "$here/dispatch.env" ]] && source "$here/dispatch.env"
REPO="${REPO:-lemone112/labpics-mcp-bot}"
WORKFLOW="${WORKFLOW:-deploy-prod.yml}"
DISPATCH_INPUT="${DISPATCH_INPUT:-opsbot_dispatch}"
GH="${GH:-gh}"
FIND_TRIES="${FIND_TRIES:-30}"

# A git ref, never a path: it goes into an API path below.
[[ "$ref" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$ && "$ref" != *..* ]] || {
  echo "refused: bad ref" >&2
  exit 2
}
# What gh prints is indented: only this script's own lines start a line.
indent() { sed -u 's/^/    /'; }
# A protocol line for the bot (docs/deploys.md), signed with this run's nonce, which
# nothing this script runs gets to see.
nonce="${OPSBOT_NONCE:-}"
unset OPSBOT_NONCE
tell_bot() { echo "opsbot: $1 $2${nonce:+ $nonce}"; }

# HEAD means the repository's default branch (LabPics's is labpics_dashboard).
if [[ "$ref" == HEAD ]]; then
  ref="$("$GH" api "repos/$REPO" --jq .default_branch)"
  echo "→ the default branch of $REPO is $ref"
fi
# The workflow checks out whatever `ref` names when it runs; a commit id pins what was
# asked for now, and is what a later rollback dispatches.
sha="$("$GH" api "repos/$REPO/commits/$ref" --jq .sha)"
[[ "$sha" =~ ^[0-9a-f]{40}$ ]] || {
  echo "could not resolve '$ref' in $REPO" >&2
  exit 1
}
echo "$action $ref = $sha ($REPO, $WORKFLOW)"

# Public in the run's name: a random mark, not the bot's nonce.
mark="opsbot-$action-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$GH" workflow run "$WORKFLOW" --repo "$REPO" -f "ref=$sha" -f "$DISPATCH_INPUT=$mark" 2>&1 | indent
echo "→ dispatched as $mark; waiting for its run to appear"

run=""
for ((try = 1; try <= FIND_TRIES; try++)); do
  run="$("$GH" run list --repo "$REPO" --workflow "$WORKFLOW" --event workflow_dispatch \
    --limit 50 --json databaseId,displayTitle --jq '.[] | "\(.databaseId) \(.displayTitle)"' |
    awk -v mark="$mark" '{ for (i = 2; i <= NF; i++) if ($i == mark) { print $1; exit } }')"
  [[ -n "$run" ]] && break
  sleep 2
done
[[ -n "$run" ]] || {
  echo "no run named with $mark appeared; does $WORKFLOW take the input $DISPATCH_INPUT and show it in its run-name? Check the Actions tab of $REPO" >&2
  exit 1
}
echo "→ following run $run (https://github.com/$REPO/actions/runs/$run)"
"$GH" run watch "$run" --repo "$REPO" --exit-status --interval 10 2>&1 | indent
tell_bot commit "$sha"
