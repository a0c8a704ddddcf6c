#!/usr/bin/env bash
# Installs the demo dashboard's stack (Node-RED and FlowFuse Dashboard 2.0) into flows/runtime, from its own
# package.json and package-lock.json (exact versions), with `npm ci`. A plain `npm install` of atm-rig leaves it out.
#   npm run dashboard:install          install (again)
#   bash scripts/dashboard-install.sh --if-needed   only when flows/runtime's lock file changed since the last install
# npm test runs the second form (scripts/test.sh), so the Node-RED tests always have Node-RED.
set -euo pipefail
cd "$(dirname "$0")/../flows/runtime"
stamp=node_modules/.atm-rig-installed
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "${1:-}" = "--if-needed" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "atm-rig: installing Node-RED and Dashboard 2.0 into flows/runtime (npm ci)" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
