#!/usr/bin/env bash
# npm run bench [NAME...]: every benchmark in test/bench/*.bench.ts; table on stdout, figures in bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
npx electron-vite build >/dev/null
# The LiveKit benchmark runs the Convai sandbox room on a real livekit-server (scripts/livekit-server.sh).
PARLEY_LIVEKIT_SERVER="$(bash scripts/livekit-server.sh)"
export PARLEY_LIVEKIT_SERVER
exec bash scripts/with-keyring.sh node test/bench/run.ts "$@"
