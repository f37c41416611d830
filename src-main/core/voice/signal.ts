/** Level measurements shared by the endpoint detector, the recogniser and text to speech. */

/** The level reported for digital silence, instead of −Infinity. */
export const SILENCE_DB = -120;

/** RMS level of samples[from, to) in dBFS (full-scale sine ≈ −3 dB), SILENCE_DB for silence or an empty range. */
export function levelDb(samples: Int16Array, from = 0, to = samples.length): number {
  if (to <= from) return SILENCE_DB;
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  const db = 10 * Math.log10(sum / (to - from) / (32768 * 32768));
  return db > SILENCE_DB ? db : SILENCE_DB;
}

/** Linear amplitude (in sample units) of a dBFS level. */
export function amplitudeOfDb(db: number): number {
  return 32768 * 10 ** (db / 20);
}

/**
 * Samples with leading and trailing quiet removed: the first and last sample whose magnitude reaches
 * `thresholdRatio` of full scale (1 %, as `sox silence … 1%` does) bound what is kept.
 */
export function trimSilence(samples: Int16Array, thresholdRatio = 0.01): Int16Array {
  const limit = thresholdRatio * 32768;
  let start = 0;
  while (start < samples.length && Math.abs(samples[start]!) < limit) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1]!) < limit) end--;
  return samples.slice(start, end);
}

/** Scaled so the largest magnitude sits at `peakDb` dBFS (as `sox norm -3`); silence is returned unchanged. */
export function normalisePeak(samples: Int16Array, peakDb = -3): Int16Array {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  if (peak === 0) return samples.slice();
  const gain = amplitudeOfDb(peakDb) / peak;
  return Int16Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * gain))));
}
