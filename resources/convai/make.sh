#!/usr/bin/env bash
# Regenerates the character's voice (espeak-ng + sox) and the recorded data-channel sequences built from it.
# The sequences are what the Convai panel's "Replay recorded sequence" and the tests feed through the parser and
# the PCM player (no LiveKit server runs in the sandbox).
set -euo pipefail
cd "$(dirname "$0")"
espeak-ng -v en-us+f3 -s 160 -w /tmp/parley-convai-raw.wav "Welcome to the museum! I am Ava. That skeleton behind me is a real Tyrannosaurus."
sox /tmp/parley-convai-raw.wav -r 24000 -c 1 -b 16 ava-greeting.wav silence 1 0.02 1% reverse silence 1 0.02 1% reverse norm -3
rm -f /tmp/parley-convai-raw.wav
PATH=/opt/node24/package/bin:$PATH node build-sequences.ts
