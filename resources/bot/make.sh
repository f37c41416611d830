#!/usr/bin/env bash
# Makes the sandbox bot's spoken replies (16 kHz, mono, PCM s16le WAV) from replies.json with espeak-ng + sox:
# English with the en-us voice at 160 words per minute, Chinese with cmn-latn-pinyin at 170 (espeak-ng's Mandarin;
# its plain `cmn` voice reads the tone numbers of its pinyin in English). Silence at both ends is trimmed, the level
# normalised to -3 dBFS peak; `sox -R` makes the output repeatable, so the same espeak-ng and sox versions (1.51 and
# 14.4.2 here) give byte-identical files. The files are committed: a packaged app has no espeak-ng.
#
# Usage: make.sh [--out DIR]   (default: this folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${2:-$here}"
[ $# -eq 0 ] || [ "$1" = --out ] || { echo "usage: make.sh [--out DIR]" >&2; exit 2; }
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
declare -A VOICE=([en]=en-us [zh]=cmn-latn-pinyin)
declare -A SPEED=([en]=160 [zh]=170)

node -e '
  for (const r of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) console.log([r.file, r.language, r.text].join("\x1f"));
' "$here/replies.json" |
while IFS=$'\x1f' read -r file language text; do
  espeak-ng -v "${VOICE[$language]}" -s "${SPEED[$language]}" -w "$tmp/raw.wav" -- "$text"
  sox -R "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$out/$file" silence 1 0.02 1% reverse silence 1 0.02 1% reverse norm -3
  echo "$file: $(soxi -D "$out/$file") s"
done
