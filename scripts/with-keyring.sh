#!/usr/bin/env bash
# Runs a command against the real Secret Service without touching the user's own keyring:
#   scripts/with-keyring.sh COMMAND [ARGS...]
# - a private D-Bus session bus whose configuration lists no service directories, so nothing can be D-Bus-activated
#   on it (no second gnome-keyring-daemon started by the first client call, with the real HOME);
# - one gnome-keyring-daemon with a temporary HOME and XDG directories, its login keyring created and unlocked;
# - COMMAND starts only once that daemon owns org.freedesktop.secrets and the default collection exists and is
#   unlocked. If that does not happen within PARLEY_KEYRING_TIMEOUT seconds (default 30), the script stops with
#   the reason and the daemon's own output instead of letting the tests fail one by one.
set -euo pipefail

fail() {
  echo "with-keyring: $*" >&2
  exit 1
}

if [ -z "${PARLEY_KEYRING_DIR:-}" ]; then
  for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (Debian/Ubuntu: apt-get install dbus gnome-keyring)."
  done
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/parley-keyring.XXXXXX")
  mkdir "$scratch/no-services"
  cat >"$scratch/session-bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$scratch</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$scratch/no-services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <!-- The limits of the standard session bus (the built-in defaults allow only 256 connections per user, and every
       keychain call of @napi-rs/keyring opens a connection of its own until its Entry is collected). -->
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_incoming_unix_fds">250000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_outgoing_unix_fds">250000000</limit>
  <limit name="max_message_size">1000000000</limit>
  <limit name="service_start_timeout">120000</limit>
  <limit name="auth_timeout">240000</limit>
  <limit name="pending_fd_timeout">150000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_incomplete_connections">10000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_pending_service_starts">10000</limit>
  <limit name="max_names_per_connection">50000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
EOF
  # dbus-daemon warns that it may not raise its fd limit, and reloads its configuration when the cleanup below removes
  # the service directory; Chromium asks for the accessibility bus, which this bus cannot activate. None of it matters.
  exec dbus-run-session --config-file="$scratch/session-bus.conf" -- env PARLEY_KEYRING_DIR="$scratch" bash "$0" "$@" \
    2> >(grep --line-buffered -v -e 'Failed to set fd limit' -e 'Reloaded configuration' -e 'org.a11y.Bus' >&2)
fi

# Inside the private session bus.
scratch=$PARLEY_KEYRING_DIR
unset PARLEY_KEYRING_DIR
home="$scratch/home"
mkdir -p "$home/.local/share" "$home/.config" "$home/.cache" "$scratch/runtime"
chmod 700 "$scratch/runtime"
daemon_log="$scratch/gnome-keyring.log"
printf 'parley-test' | env HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
  XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$scratch/runtime" \
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$daemon_log" 2>&1 &
daemon=$!
cleanup() {
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

daemon_output() {
  if [ -s "$daemon_log" ]; then printf '\n%s' "$(cat "$daemon_log")"; else echo '(none)'; fi
}

# The value of a one-value D-Bus reply (an object path, a uint32, a boolean), or the error line.
bus_call() {
  { dbus-send --session --print-reply=literal "$@" 2>&1 || true; } | sed -e 's/^ *//' -e 's/^variant *//' -e 's/^uint32 //' -e 's/^boolean //'
}

timeout=${PARLEY_KEYRING_TIMEOUT:-30}
now_us() { echo "${EPOCHREALTIME/./}"; }
deadline=$(($(now_us) + timeout * 1000000))
state='gnome-keyring-daemon has not registered on the session bus'
while :; do
  if ! kill -0 "$daemon" 2>/dev/null; then
    fail "gnome-keyring-daemon exited before it was ready. Its output: $(daemon_output)"
  fi
  # Asking the bus itself (not org.freedesktop.secrets) never activates anything.
  owner=$(bus_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets)
  if [ "$owner" = "$daemon" ]; then
    collection=$(bus_call --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default)
    if [ "${collection:0:1}" = / ] && [ "$collection" != / ]; then
      locked=$(bus_call --dest=org.freedesktop.secrets "$collection" org.freedesktop.DBus.Properties.Get \
        string:org.freedesktop.Secret.Collection string:Locked)
      [ "$locked" = false ] && break
      state="the default collection $collection is locked ($locked)"
    else
      state="there is no default collection yet ($collection)"
    fi
  elif [[ "$owner" =~ ^[0-9]+$ ]]; then
    fail "org.freedesktop.secrets is owned by process $owner, not by this script's gnome-keyring-daemon ($daemon)."
  fi
  [ "$(now_us)" -lt "$deadline" ] || fail "the Secret Service was not ready after ${timeout} s: $state. gnome-keyring-daemon output: $(daemon_output)"
  sleep 0.1
done

status=0
"$@" || status=$?
exit "$status"
