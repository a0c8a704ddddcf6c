#!/usr/bin/env bash
# npm test. The set-up a fresh machine needs (Debian packages, scripts/system-deps.sh; the Node-RED runtime,
# scripts/dashboard-install.sh) waits on the network and the disk, so it runs beside the type check and the lint,
# which need only the CPU; the tests start once both are done. Its output is shown when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p reports
setup_log=reports/test-setup.log
( bash scripts/system-deps.sh && bash scripts/dashboard-install.sh --if-needed ) >"$setup_log" 2>&1 &
setup=$!
status=0
npm run typecheck && npm run lint || status=$?
if ! wait "$setup"; then
  cat "$setup_log" >&2
  echo "atm-rig: setting up the test tools failed (above)" >&2
  exit 1
fi
cat "$setup_log" >&2
[ "$status" -eq 0 ] || exit "$status"
# The CLI tests run atm-rig as users do, from dist/; a build older than the sources (edited since) would run it
# through tsx, several times slower to start, and those tests would time out on a busy machine. 2 s when fresh.
npm run build --silent
npm run test:unit
npm run features
npm run coverage:paths -- --strict
npm run features:serial
npm run features:broker
npm run features:xfs4iot
