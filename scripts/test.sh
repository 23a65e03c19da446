#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the services, then runs typecheck, lint and every
# Jest test (unit + e2e). Ends with a plain "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-services.sh || exit 1
bash scripts/ensure-browser.sh || exit 1
python=$(bash scripts/ensure-python.sh | tail -1) || exit 1
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
# The Python SDK's pytest suite, against a platform it starts itself (npm start, default ports).
echo "== pytest (clients/python)"
junit=$(mktemp)
"$python" -m pytest -q -p no:cacheprovider --junitxml="$junit" clients/python/tests
pytest_status=$?
read -r py_passed py_failed < <("$python" -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
# a skipped test counts as failed: nothing is skipped silently
bad = sum(int(s.get(k, 0)) for s in suites for k in ("failures", "errors", "skipped"))
print(total - bad, bad)
' "$junit" 2>/dev/null || echo "0 1")
rm -f "$junit"
if [ "$pytest_status" -ne 0 ] && [ "$py_failed" -eq 0 ]; then py_failed=1; fi
if [ "$py_passed" -eq 0 ]; then echo "no pytest test ran"; py_failed=$((py_failed + 1)); fi
passed=$((passed + py_passed))
failed=$((failed + py_failed))
if [ "$failed_steps" -gt 0 ]; then echo "typecheck/lint: $failed_steps step(s) failed"; failed=$((failed + failed_steps)); fi
if [ "$jest_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "${total:-0}" -eq 0 ]; then echo "no test ran"; failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
