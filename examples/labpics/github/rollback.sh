#!/usr/bin/env bash
# ROLLBACK_SCRIPT of the GitHub dispatch variant: dispatches deploy-prod.yml with the earlier
# commit REF ($1). The workflow touches no database backup; restore by hand if needed.
set -euo pipefail
exec "$(dirname "$0")/dispatch.sh" rollback "$1"
