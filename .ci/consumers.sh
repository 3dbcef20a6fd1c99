#!/usr/bin/env bash
# Consumer check: packs every public package, installs the tarballs into fresh ESM, CJS and
# TypeScript (bundler, node16) projects outside the workspace, runs each README example there,
# runs publint --strict and attw on each tarball; prints `N passed, N failed` (a failed build
# counts as one failure; the packages that did build are still checked).
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true

build_failed=0
npx -y pnpm@10.34.8 exec turbo run build --filter='./packages/*' --continue --output-logs=errors-only || build_failed=1

rm -f tests/consumers/.results/consumers.json
npx vitest run --config tests/consumers/vitest.config.ts
status=$?

summary=$(node .ci/summarize.mjs tests/consumers/.results/consumers.json)
read -r passed _ failed _ <<<"$summary"
failed=$((failed + build_failed))
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
