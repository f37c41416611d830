#!/usr/bin/env bash
# Prints the path of a livekit-server binary for the Convai sandbox room, building it when there is none:
#   1. $PARLEY_LIVEKIT_SERVER, when it names an executable file;
#   2. the cached build, ~/.cache/parley-livekit/<version>/livekit-server ($PARLEY_LIVEKIT_CACHE moves the cache);
#   3. else builds the pinned version from the Go module proxy into that cache (needs Go; about 90 s on 2 cores).
# Exits 1 with the reason on stderr when it can neither find nor build one (CI then fails: the LiveKit tests are never
# skipped silently). Usage: export PARLEY_LIVEKIT_SERVER="$(bash scripts/livekit-server.sh)"
#
# The pinned version: v1.13.11 (the newest) needs pion forks (livekit/webrtc-pion, ice, dtls "-warp" versions) that
# the Go module proxy refuses (403); v1.13.5 builds from the proxy alone. `go install …@version` cannot build either
# (livekit-server's go.mod has replace directives), so the module is copied out of the module cache and built there.
set -euo pipefail
version="${PARLEY_LIVEKIT_VERSION:-v1.13.5}"
cache="${PARLEY_LIVEKIT_CACHE:-$HOME/.cache/parley-livekit}/$version"
binary="$cache/livekit-server"

if [ -n "${PARLEY_LIVEKIT_SERVER:-}" ]; then
  if [ -x "$PARLEY_LIVEKIT_SERVER" ] && [ -f "$PARLEY_LIVEKIT_SERVER" ]; then
    echo "$PARLEY_LIVEKIT_SERVER"
    exit 0
  fi
  echo "livekit-server: PARLEY_LIVEKIT_SERVER=$PARLEY_LIVEKIT_SERVER is not an executable file" >&2
  exit 1
fi
if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "livekit-server: not found and Go is not installed to build it. Install Go (https://go.dev/dl/) and run this again," >&2
  echo "or install livekit-server with LiveKit's installer (https://docs.livekit.io/home/self-hosting/local/) and set PARLEY_LIVEKIT_SERVER to its path." >&2
  exit 1
fi

echo "livekit-server: building $version from the Go module proxy into $cache (once; about 90 s)" >&2
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
if ! module="$(go mod download -json "github.com/livekit/livekit-server@$version")"; then
  echo "livekit-server: go mod download github.com/livekit/livekit-server@$version failed (output above)" >&2
  exit 1
fi
dir="$(printf '%s' "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "livekit-server: go mod download gave no module folder: $module" >&2
  exit 1
fi
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$cache"
if ! (cd "$work/src" && go build -trimpath -o "$work/livekit-server" ./cmd/server); then
  echo "livekit-server: go build of $version failed (output above)" >&2
  exit 1
fi
mv "$work/livekit-server" "$binary"
"$binary" --version >&2
echo "$binary"
