#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing or older than package-lock.json.
set -eu
cd "$(dirname "$0")/.."
stamp=node_modules/.qautlra-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "ensure-deps: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
# The CTP addon and fake fronts: npm ci builds them (postinstall); rebuilt here when their sources changed.
node native-ctp/scripts/build.js
