#!/usr/bin/env bash
# npm test: the whole suite, inside a private D-Bus session with an unlocked gnome-keyring so the keychain
# tests use the real Secret Service without touching the user's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PARLEY_IN_TEST_SESSION:-}" ]; then
  exec dbus-run-session -- env PARLEY_IN_TEST_SESSION=1 bash "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
fi

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# A fresh keyring folder, created and unlocked with a throwaway password.
eval "$(printf 'parley-test' | HOME="$keyring_home" gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# The E2E tests load the built renderer.
npx electron-vite build >/dev/null

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
