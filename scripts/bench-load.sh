#!/usr/bin/env bash
# npm run bench:load: four concurrent vendor sessions at 500 events/s each (PARLEY_LOAD_MINUTES, default 10);
# memory of the core sampled every minute, events counted end to end. Not part of npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --expose-gc test/bench/load.ts "$@"
