#!/usr/bin/env bash
# Regenerates the sandbox's canned answer audio (mp3, mono 22.05 kHz, 32 kb/s) with espeak-ng + sox + lame
# and writes answers.json (segment text, file, duration measured by ffprobe) that the sandbox serves from.
set -euo pipefail
cd "$(dirname "$0")"
declare -A VOICE=([en]=en-us [zh]=cmn)
declare -A TEXT
TEXT[en-0]="Hi! This is the Parley sandbox speaking."
TEXT[en-1]="I cannot see the sky from here, so let's say it is sunny and twenty degrees."
TEXT[en-2]="Is there anything else you would like to know?"
TEXT[zh-0]="你好!我是 Parley 沙盒。"
TEXT[zh-1]="我看不到天空,就当今天是晴天,二十度吧。"
TEXT[zh-2]="还有什么想知道的吗?"
json='{'
for lang in en zh; do
  json+="\"$lang\":["
  for i in 0 1 2; do
    name="answer-$lang-$i"
    espeak-ng -v "${VOICE[$lang]}" -s 165 -w "/tmp/parley-$name.wav" "${TEXT[$lang-$i]}"
    sox "/tmp/parley-$name.wav" -r 22050 -c 1 -b 16 "/tmp/parley-$name-t.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse
    lame --quiet -b 32 -m m "/tmp/parley-$name-t.wav" "$name.mp3"
    rm -f "/tmp/parley-$name.wav" "/tmp/parley-$name-t.wav"
    secs=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$name.mp3")
    [ "$i" -gt 0 ] && json+=','
    json+="{\"text\":\"${TEXT[$lang-$i]}\",\"file\":\"$name.mp3\",\"audio_seconds\":$(printf '%.2f' "$secs")}"
  done
  json+=']'
  [ "$lang" = en ] && json+=','
done
json+='}'
node -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]), null, 2) + "\n")' "$json" > answers.json
