#!/usr/bin/env bash
# Makes the utterance library (16 kHz, mono, PCM s16le WAV) with espeak-ng + sox from utterances.json: each entry's
# `text` is spoken with `make.voice` at `make.speed` words per minute, then
# - `make.pauseAfter` + `make.pauseMs`: the text is spoken in two parts, split after that phrase, joined by that much
#   digital silence;
# - `make.noiseSnrDb`: pink noise is mixed in at that signal-to-noise ratio (speech RMS over noise RMS), from 0.3 s
#   before the speech to 0.3 s after it.
# Silence at both ends is trimmed (except the noise), the level normalised to -3 dBFS peak. `sox -R` seeds dither
# and noise, so the same espeak-ng and sox versions (1.51 and 14.4.2 here) give byte-identical files.
#
# Usage: make.sh [--all] [--out DIR]
#   Without --all only missing files are made: hello-weather-en, hello-weather-zh and tell-joke-en predate `-R`
#   (their dither was random), so remaking them changes their bytes though not their sound.
#   --out DIR writes there instead (to check that the committed files are reproduced: make.sh --all --out /tmp/u).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here"
all=0
while [ $# -gt 0 ]; do
  case "$1" in
    --all) all=1 ;;
    --out) out="$2"; shift ;;
    *) echo "usage: make.sh [--all] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# speak VOICE SPEED TEXT OUT: espeak-ng, then rate/channels/bits of the library, ends trimmed at 1 % amplitude.
speak() {
  espeak-ng -v "$1" -s "$2" -w "$tmp/raw.wav" -- "$3"
  sox -R "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$4" silence 1 0.02 1% reverse silence 1 0.02 1% reverse
}
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ { print $3 }'; }

node -e '
  for (const u of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) {
    if (!u.make) continue;
    const m = u.make;
    console.log([u.file, m.voice, m.speed, u.text, m.pauseAfter ?? "", m.pauseMs ?? 0, m.noiseSnrDb ?? ""].join("\x1f"));
  }' "$here/utterances.json" |
while IFS=$'\x1f' read -r file voice speed text pause_after pause_ms snr; do
  if [ "$all" = 0 ] && [ -e "$out/$file" ]; then continue; fi
  if [ -n "$pause_after" ]; then
    head="${text%%"$pause_after"*}$pause_after"
    speak "$voice" "$speed" "$head" "$tmp/a.wav"
    speak "$voice" "$speed" "${text#"$head"}" "$tmp/b.wav"
    sox -R "$tmp/a.wav" "$tmp/b.wav" "$tmp/speech.wav" pad "$(awk -v ms="$pause_ms" 'BEGIN { print ms / 1000 }')@$(soxi -D "$tmp/a.wav")"
  else
    speak "$voice" "$speed" "$text" "$tmp/speech.wav"
  fi
  if [ -n "$snr" ]; then
    sox -R "$tmp/speech.wav" "$tmp/padded.wav" pad 0.3 0.3
    sox -R -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth "$(soxi -D "$tmp/padded.wav")" pinknoise
    gain=$(awk -v s="$(rms "$tmp/speech.wav")" -v n="$(rms "$tmp/noise.wav")" -v snr="$snr" 'BEGIN { print s / n / 10 ^ (snr / 20) }')
    sox -R -m "$tmp/padded.wav" -v "$gain" "$tmp/noise.wav" "$tmp/mixed.wav"
    mv "$tmp/mixed.wav" "$tmp/speech.wav"
  fi
  sox -R "$tmp/speech.wav" "$out/$file" norm -3
  echo "$file: $(soxi -D "$out/$file") s"
done
