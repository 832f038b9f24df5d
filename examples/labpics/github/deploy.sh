#!/usr/bin/env bash
# DEPLOY_SCRIPT of the GitHub dispatch variant: deploys REF ($1, a git ref) through
# LabPics's deploy-prod.yml.
set -euo pipefail
exec "$(dirname "$0")/dispatch.sh" deploy "$1"
