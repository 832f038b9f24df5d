#!/usr/bin/env bash
# Demo rollback script for the console demo (see deploy.sh).
set -euo pipefail
ref="$1"
echo "rolling back to ${ref} (requested by ${OPSBOT_REQUESTED_BY:-unknown})"
for step in "checking out ${ref}" "restarting services"; do
  echo "→ ${step}"
  sleep "${DEMO_STEP_SECONDS:-2}"
done
echo "rolled back to ${ref}"
