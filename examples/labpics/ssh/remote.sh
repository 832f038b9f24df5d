#!/usr/bin/env bash
# Bot side of the SSH variant, shared by deploy.sh and rollback.sh: asks the LabPics host to
# run "ACTION REF NONCE". The host's forced command (host-deploy.sh) does the work; this key
# can run nothing else there. NONCE is this run's OPSBOT_NONCE: the host script signs its
# protocol lines with it, so nothing else printed on the host can pass for them.
# Everything about the host (name, port, user, key, pinned host key) is in ssh_config
# beside this script; the options below cannot be weakened by it.
set -euo pipefail
action="$1"
ref="$2"
exec ssh -F "$(dirname "$0")/ssh_config" -T \
  -o BatchMode=yes \
  -o IdentitiesOnly=yes \
  -o StrictHostKeyChecking=yes \
  -o GlobalKnownHostsFile=/dev/null \
  -o UpdateHostKeys=no \
  -o ForwardAgent=no \
  -o ClearAllForwardings=yes \
  -o ConnectTimeout=15 \
  -o ServerAliveInterval=15 \
  -o ServerAliveCountMax=4 \
  labpics-deploy "$action" "$ref" ${OPSBOT_NONCE:+"$OPSBOT_NONCE"}
