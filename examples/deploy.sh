#!/usr/bin/env bash
# Demo deploy script for the console demo: prints progress and sleeps. A real one
# receives the ref as $1 (never through a shell) and only PATH, HOME and OPSBOT_*.
set -euo pipefail
ref="$1"
echo "deploying ${ref} (requested by ${OPSBOT_REQUESTED_BY:-unknown})"
for step in "fetching ${ref}" "building web" "building server" "running migrations" "restarting services"; do
  echo "→ ${step}"
  sleep "${DEMO_STEP_SECONDS:-2}"
done
echo "deployed ${ref}"
