#!/usr/bin/env bash
# Browser check: builds apps/web (and the packages it uses), installs Debian's chromium if absent,
# and drives the page in headless Chromium (apps/web/e2e); prints `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true

if [ ! -x /usr/bin/chromium ]; then
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; } >/tmp/relora-chromium-install.log 2>&1 \
    || { tail -20 /tmp/relora-chromium-install.log; echo "chromium could not be installed"; echo "0 passed, 1 failed"; exit 1; }
fi

if ! npx -y pnpm@10.34.8 exec turbo run build --filter='@relora/web...' --output-logs=errors-only; then
  echo "0 passed, 1 failed"
  exit 1
fi

rm -f apps/web/test-results/browser.json
(cd apps/web && npx vitest run --config vitest.e2e.config.ts)
status=$?

summary=$(node .ci/summarize.mjs apps/web/test-results/browser.json)
sum_status=$?
echo "$summary"
if [ "$status" -ne 0 ] || [ "$sum_status" -ne 0 ]; then exit 1; fi
