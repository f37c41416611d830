#!/usr/bin/env bash
# npm test: the whole suite. The keychain tests use the real Secret Service (scripts/with-keyring.sh); the E2E
# tests load the built renderer.
set -euo pipefail
cd "$(dirname "$0")/.."
# Static gates first: types (vue-tsc covers .ts and .vue) and lint (incl. the electron / renderer import boundaries).
npx vue-tsc --noEmit -p tsconfig.json
npx eslint .
# Formatting: Prettier's (.prettierrc.json); `npm run format` rewrites what this refuses.
npx prettier --check --log-level warn "src-main/**/*.ts" "src-renderer/**/*.{ts,vue}" "test/**/*.{ts,vue}" "scripts/**/*.{ts,mjs}" "*.{ts,js}"
npx electron-vite build >/dev/null
# The Convai sandbox room tests need livekit-server: found, or built once (scripts/livekit-server.sh says why not).
PARLEY_LIVEKIT_SERVER="$(bash scripts/livekit-server.sh)"
export PARLEY_LIVEKIT_SERVER
mkdir -p test-results
exec bash scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
