#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so the real Secret Service is
# used without touching the user's own keyring. Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -z "${PARLEY_IN_KEYRING_SESSION:-}" ]; then
  exec dbus-run-session -- env PARLEY_IN_KEYRING_SESSION=1 bash "$0" "$@" 2> >(grep -v -e 'Failed to set fd limit' -e 'org.a11y.Bus' >&2)
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
eval "$(printf 'parley-test' | HOME="$keyring_home" gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
