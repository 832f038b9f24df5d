#!/usr/bin/env bash
# DEPLOY_SCRIPT of the SSH variant: deploys REF ($1, a git ref) on the LabPics host.
set -euo pipefail
exec "$(dirname "$0")/remote.sh" deploy "$1"
