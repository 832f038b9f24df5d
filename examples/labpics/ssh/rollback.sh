#!/usr/bin/env bash
# ROLLBACK_SCRIPT of the SSH variant: puts the earlier commit REF ($1) back on the LabPics
# host. The database is left alone; the output names the backup and how to restore it.
set -euo pipefail
exec "$(dirname "$0")/remote.sh" rollback "$1"
