#!/usr/bin/env bash
# A fresh machine on this one: `CI=true bash .ci/run` in a clean clone of the current commit, as a user who never ran
# Parley: a HOME of its own, so no ~/.local/share/keyrings, no Node 24 in ~/.cache/parley-node24, no npm cache, no
# Chromium profile, no D-Bus session or XDG folders. The real HOME is neither read nor moved (other people and shells
# on the machine keep using its Node and caches); only your npm configuration (~/.npmrc: registry, proxy) is used.
# System packages are the machine's: .ci/run installs only those that are missing.
#
#   scripts/fresh-machine.sh [--busy] [--keep] [--npm-cache]
#     --busy       keep the second CPU core busy for the whole run (a shell loop pinned to core 1 with taskset)
#     --keep       keep the clone and the fresh HOME (printed at the end) instead of deleting them
#     --npm-cache  reuse your npm cache (~/.npm) for `npm ci` instead of downloading every package again
#
# Prints the run's summary line (N passed, N failed, N skipped), exit status and duration last, and appends the same
# line to test-results/fresh-machine.log; the full output goes to test-results/fresh-machine-<time>.log.
set -euo pipefail

busy=false keep=false npm_cache=false
for arg in "$@"; do
  case "$arg" in
    --busy) busy=true ;;
    --keep) keep=true ;;
    --npm-cache) npm_cache=true ;;
    *) echo "fresh-machine: unknown option $arg (expected --busy, --keep or --npm-cache)" >&2; exit 2 ;;
  esac
done

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse HEAD)
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-machine: uncommitted changes are not part of this run: it tests commit ${commit:0:12}" >&2
fi
if $busy && ! command -v taskset >/dev/null; then
  echo "fresh-machine: --busy needs taskset (util-linux)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-fresh.XXXXXX")
busy_pid='' run_pid=''
stop_busy_loop() {
  if [ -n "$busy_pid" ]; then
    kill "$busy_pid" 2>/dev/null || true
    wait "$busy_pid" 2>/dev/null || true
    busy_pid=''
  fi
}
cleanup() {
  # The run has a process group of its own (setsid): stopping this script stops all of it.
  if [ -n "$run_pid" ]; then
    kill -TERM -- "-$run_pid" 2>/dev/null || true
    # Give the group 10 s to go (npm, the tests' servers), then end what is left, before its folder is deleted.
    for _ in $(seq 50); do kill -0 -- "-$run_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  stop_busy_loop
  if $keep; then echo "fresh-machine: kept $work (clone: $work/parley, HOME: $work/home)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

git clone --quiet --no-hardlinks "$root" "$work/parley"
git -C "$work/parley" checkout --quiet --detach "$commit"
mkdir "$work/home"

# The environment of a fresh login: the machine's, minus what points at this user's state or at Node 24.
fresh_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e 'parley-node24' -e 'node_modules' | paste -sd: -)
unset_vars=(DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
  XDG_DATA_DIRS CHROMIUM_PATH PARLEY_DATA_DIR PARLEY_NODE_DIR PARLEY_KEYRING_DIR NODE_OPTIONS)
while IFS= read -r name; do unset_vars+=("$name"); done < <(compgen -e | grep -i -e '^npm_' -e '^PARLEY_' || true)
env_args=()
for name in "${unset_vars[@]}"; do env_args+=(-u "$name"); done
env_args+=(PATH="$fresh_path" HOME="$work/home" CI=true)
[ -f "$HOME/.npmrc" ] && env_args+=(NPM_CONFIG_USERCONFIG="$HOME/.npmrc")
$npm_cache && env_args+=(NPM_CONFIG_CACHE="$HOME/.npm")

mkdir -p "$root/test-results"
stamp=$(date +%Y%m%d-%H%M%S)
log="$root/test-results/fresh-machine-$stamp.log"
: >"$log"
if $busy; then
  taskset -c 1 sh -c 'while :; do :; done' &
  busy_pid=$!
fi

start=$(date +%s)
status=0
(cd "$work/parley" && exec setsid env "${env_args[@]}" bash .ci/run) >"$log" 2>&1 &
run_pid=$!
tail -n +1 -f --pid="$run_pid" "$log" &
tail_pid=$!
wait "$run_pid" || status=$?
run_pid=''
duration=$(($(date +%s) - start))
wait "$tail_pid" || true
stop_busy_loop

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1 || true)
notes=''
# The tests' keyring lives in a temporary HOME of its own (scripts/with-keyring.sh): one here means a daemon escaped.
[ -e "$work/home/.local/share/keyrings" ] && notes=" · WARNING: a keyring appeared in the fresh HOME (a second gnome-keyring-daemon was started)"
line="$(date -Iseconds) ${commit:0:12} busy=$busy: ${summary:-no summary line} · exit $status · ${duration} s ($((duration / 60)) min $((duration % 60)) s)$notes"
echo "$line" >>"$root/test-results/fresh-machine.log"
echo "fresh-machine: $line"
echo "fresh-machine: full output in $log"
exit "$status"
