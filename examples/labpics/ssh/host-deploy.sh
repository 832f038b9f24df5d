#!/usr/bin/env bash
# Host side of the SSH variant: the forced command of opsbot's deploy key. Install as
# /opt/labpics-deploy/host-deploy.sh (root-owned, 0755) and give the key this line in the
# deploy user's ~/.ssh/authorized_keys:
#   command="/opt/labpics-deploy/host-deploy.sh",restrict ssh-ed25519 AAAA... opsbot-deploy
# The key can then run nothing else: whatever the client asks for arrives here in
# SSH_ORIGINAL_COMMAND, and only "deploy REF [NONCE]" or "rollback REF [NONCE]" is accepted.
# NONCE is the bot's OPSBOT_NONCE for this run, printed with the protocol lines so that the
# bot reads them from this script alone; everything the script runs is printed indented.
#
# It brings the stack up the way LabPics's deploy-prod.yml workflow does (same project
# name, env file and edge profile switch); the remaining differences are in
# docs/deploy-labpics.md. Settings come from /etc/labpics-deploy.env (or the file in
# LABPICS_DEPLOY_CONF); see labpics-deploy.env.example beside this script.
set -euo pipefail

conf="${LABPICS_DEPLOY_CONF:-/etc/labpics-deploy.env}"
# shellcheck source=/dev/null
[[ -r "$conf" ]] && source "$conf"
: "${CHECKOUT_DIR:?CHECKOUT_DIR (the LabPics checkout) is not set in $conf}"
COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-labpics-prod}"
ENV_FILE="${ENV_FILE:-.env}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/labpics-deploy}"
RETENTION_DAYS="${RETENTION_DAYS:-14}"
POSTGRES_USER="${POSTGRES_USER:-app}"
POSTGRES_DB="${POSTGRES_DB:-labpics}"
HEALTH_URL="${HEALTH_URL:-http://127.0.0.1:8080/health}"
HEALTH_TRIES="${HEALTH_TRIES:-30}"
HEALTH_DELAY_SECONDS="${HEALTH_DELAY_SECONDS:-2}"
LOCK_DIR="${LOCK_DIR:-/run/lock/labpics-deploy}"

fail() {
  echo "refused: $*" >&2
  exit 2
}

# --- what was asked -----------------------------------------------------------------
# Two words and the bot's nonce; the ref follows the bot's rules and is used as a git ref,
# never as a path or an option.
[[ "${SSH_ORIGINAL_COMMAND:-}" != *$'\n'* ]] || fail "one line only"
read -r -a words <<<"${SSH_ORIGINAL_COMMAND:-}"
[[ ${#words[@]} -eq 2 || ${#words[@]} -eq 3 ]] || fail "expected 'deploy REF' or 'rollback REF'"
action="${words[0]}"
ref="${words[1]}"
nonce="${words[2]:-}"
[[ -z "$nonce" || "$nonce" =~ ^[A-Za-z0-9]{16,64}$ ]] || fail "bad nonce"
[[ "$action" == deploy || "$action" == rollback ]] || fail "unknown action '$action'"
[[ "$ref" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$ ]] || fail "bad ref"
[[ "$ref" != *..* && "$ref" != *//* && "$ref" != */.* ]] || fail "bad ref"
[[ "$ref" != */ && "$ref" != *. && "$ref" != *.lock ]] || fail "bad ref"

# --- one at a time on this host -------------------------------------------------------
# The lock lives in a directory of the deploy user's own (mode 0700), never in a place
# where another local user could create the lock file first or hold a lock on it.
if [[ ! -e "$LOCK_DIR" ]]; then
  mkdir -m 700 "$LOCK_DIR" 2>/dev/null || [[ -d "$LOCK_DIR" ]] ||
    fail "cannot create the lock directory $LOCK_DIR"
fi
[[ -d "$LOCK_DIR" && ! -L "$LOCK_DIR" && "$(stat -c '%u %a' "$LOCK_DIR")" == "$(id -u) 700" ]] ||
  fail "the lock directory $LOCK_DIR must be a directory of $(id -un) with mode 0700 (remove it, or set LOCK_DIR)"
lock_file="$LOCK_DIR/deploy.lock"
# Held until this script exits (its children inherit the descriptor): two deploys never
# overlap, even when the bot lost track of one it started.
exec 9>>"$lock_file"
if ! flock --nonblock 9; then
  echo "another deploy or rollback is running on this host (lock $lock_file); nothing was done" >&2
  exit 75
fi

cd "$CHECKOUT_DIR"
step() { echo "→ $*"; }
# What the script runs is printed indented: only this script's own lines start a line.
indent() { sed -u 's/^/    /'; }
# A protocol line for the bot (docs/deploys.md), signed with this run's nonce.
tell_bot() { echo "opsbot: $1 $2${nonce:+ $nonce}"; }

# Like the workflow: the stack reads the env file (the workflow renders it from GitHub's
# variables and secrets), and the edge profile is on unless ENABLE_EDGE_PROXY says false.
[[ -r "$ENV_FILE" ]] || fail "no env file $CHECKOUT_DIR/$ENV_FILE (deploy-prod.yml writes it; see docs/deploy-labpics.md)"
if [[ -z "${ENABLE_EDGE_PROXY:-}" ]]; then
  ENABLE_EDGE_PROXY="$(sed -n 's/^ENABLE_EDGE_PROXY=//p' "$ENV_FILE" | tail -n 1)"
fi
profiles=()
[[ "${ENABLE_EDGE_PROXY:-true}" == true ]] && profiles=(--profile edge)

# --- the commit -------------------------------------------------------------------------
step "fetching from origin"
git fetch --quiet --prune --tags --force origin '+refs/heads/*:refs/remotes/origin/*' 2>&1 | indent
# HEAD means origin's default branch (LabPics's is labpics_dashboard), asked of origin now.
if [[ "$ref" == HEAD ]]; then
  git remote set-head origin --auto 2>&1 | indent
  ref="$(git symbolic-ref --short refs/remotes/origin/HEAD)"
  ref="${ref#origin/}"
  step "origin's default branch is $ref"
fi
# A branch means its tip on origin; otherwise a tag or a commit id.
sha="$(git rev-parse --verify --quiet --end-of-options "refs/remotes/origin/$ref^{commit}" ||
  git rev-parse --verify --quiet --end-of-options "$ref^{commit}")" ||
  fail "'$ref' is not a branch, tag or commit of origin"
previous="$(git rev-parse --verify --quiet HEAD || true)"
[[ -n "$previous" ]] && tell_bot previous "$previous"
echo "$action $ref = $sha (was ${previous:-nothing})"

# --- the database, before anything changes ----------------------------------------------
# Custom format (pg_restore can pick tables, restore in parallel). Written under a temporary
# name and renamed, so a dump cut short never looks complete. By default pg_dump runs in
# LabPics's db container (it has no host port); PG_DUMP_URL runs the host's pg_dump instead.
dump_database() {
  if [[ -n "${PG_DUMP_URL:-}" ]]; then
    pg_dump --format=custom --dbname="$PG_DUMP_URL"
  else
    docker compose -p "$COMPOSE_PROJECT_NAME" exec -T db \
      pg_dump --format=custom -U "$POSTGRES_USER" -d "$POSTGRES_DB"
  fi
}
mkdir -p "$BACKUP_DIR"
backup="$BACKUP_DIR/pre-${action}_${POSTGRES_DB}_$(date -u +%Y%m%d_%H%M%S)_${sha:0:12}.dump"
step "backing up the database to $backup"
dump_database 9>&- 2>&1 >"$backup.partial" | indent
mv "$backup.partial" "$backup"
find "$BACKUP_DIR" -maxdepth 1 -name 'pre-*.dump' -mtime "+$RETENTION_DAYS" -print -delete |
  sed 's/^/removed old backup /'

# --- the stack ----------------------------------------------------------------------------
step "checking out $sha"
git checkout --quiet --detach "$sha" 2>&1 | indent
step "docker compose up (project $COMPOSE_PROJECT_NAME${profiles[*]:+, ${profiles[*]}})"
# 9>&-: whatever compose leaves running must not inherit (and keep) the deploy lock.
docker compose -p "$COMPOSE_PROJECT_NAME" "${profiles[@]}" --env-file "$ENV_FILE" \
  up -d --build --remove-orphans --wait 9>&- 2>&1 | indent

step "waiting for $HEALTH_URL"
healthy=""
for ((try = 1; try <= HEALTH_TRIES; try++)); do
  if curl -fsS --max-time 5 "$HEALTH_URL" 2>/dev/null | grep -Eq '"ok"[[:space:]]*:[[:space:]]*true'; then
    healthy=yes
    break
  fi
  sleep "$HEALTH_DELAY_SECONDS"
done
[[ -n "$healthy" ]] || {
  echo "the API did not answer ok:true at $HEALTH_URL after $HEALTH_TRIES tries" >&2
  exit 1
}
echo "API healthy: $HEALTH_URL"
tell_bot commit "$sha"

# --- a rollback never restores the database by itself -------------------------------------
if [[ "$action" == rollback ]]; then
  newest="$(ls -1t "$BACKUP_DIR"/pre-deploy_*.dump 2>/dev/null | head -n 1 || true)"
  if [[ -z "$newest" ]]; then
    echo "No pre-deploy backup in $BACKUP_DIR. The database was left as it is."
  else
    echo "The database was left as it is. The newest backup taken before a deploy is"
    echo "  $newest"
    echo "To restore it (this overwrites the data written since; $backup holds the current state):"
    if [[ -n "${PG_DUMP_URL:-}" ]]; then
      echo "  pg_restore --clean --if-exists --no-owner --dbname=\"\$PG_DUMP_URL\" '$newest'"
    else
      echo "  docker compose -p $COMPOSE_PROJECT_NAME exec -T db pg_restore --clean --if-exists --no-owner -U $POSTGRES_USER -d $POSTGRES_DB < '$newest'"
    fi
  fi
fi
