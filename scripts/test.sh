#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the services, then runs typecheck, lint and every
# Jest test (unit + e2e). Ends with a plain "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-services.sh || exit 1
bash scripts/ensure-browser.sh || exit 1
failed_steps=0
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json || failed_steps=$((failed_steps + 1))
npx tsc --noEmit -p apps/web/client/tsconfig.json || failed_steps=$((failed_steps + 1))
echo "== lint"; npx eslint . || failed_steps=$((failed_steps + 1))
# Some e2e tests run the built servers as child processes (kill -9 durability).
echo "== build"; npm run build --silent || failed_steps=$((failed_steps + 1))
echo "== jest (unit + e2e)"
results=$(mktemp)
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --json --outputFile="$results" "$@"
jest_status=$?
read -r passed failed total < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites, r.numTotalTests);
' "$results" 2>/dev/null || echo "0 1 0")
rm -f "$results"
if [ "$failed_steps" -gt 0 ]; then echo "typecheck/lint: $failed_steps step(s) failed"; failed=$((failed + failed_steps)); fi
if [ "$jest_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "${total:-0}" -eq 0 ]; then echo "no test ran"; failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
