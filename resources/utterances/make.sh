#!/usr/bin/env bash
# Regenerates the sample utterances (16 kHz, mono, PCM s16le WAV) with espeak-ng + sox.
# The sandbox "recognises" these exact files by the SHA-256 of their PCM data (see utterances.json), so after
# regenerating them the hashes in utterances.json must be updated: `node make-manifest.mjs`.
set -euo pipefail
cd "$(dirname "$0")"
say() { # name voice speed text
  espeak-ng -v "$2" -s "$3" -w "/tmp/parley-$1.raw.wav" "$4"
  # silence trims leading/trailing quiet; norm leaves 3 dB headroom; rate/channels/bits are the upload format.
  sox "/tmp/parley-$1.raw.wav" -r 16000 -c 1 -b 16 "$1.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse norm -3
  rm -f "/tmp/parley-$1.raw.wav"
}
say hello-weather-en en-us 150 "Hello, what is the weather like today?"
say hello-weather-zh cmn 165 "你好,今天天气怎么样?"
say tell-joke-en en-us 150 "Tell me a short joke, please."
