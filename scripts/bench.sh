#!/usr/bin/env bash
# npm run bench [NAME...]: every benchmark in test/bench/*.bench.ts; table on stdout, figures in bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
npx electron-vite build >/dev/null
exec bash scripts/with-keyring.sh node test/bench/run.ts "$@"
