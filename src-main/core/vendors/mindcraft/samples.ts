import { readFileSync } from 'node:fs';
import type { Localized } from '../../schema.ts';
import { resourcePath } from '../../resources.ts';

export interface SampleUtterance {
  file: string;
  language: string;
  text: string;
}

/** The sample utterances in resources/utterances (empty when the folder is not shipped: the form just has no list). */
export function sampleUtterances(): SampleUtterance[] {
  try {
    return JSON.parse(readFileSync(resourcePath('utterances', 'utterances.json'), 'utf8')) as SampleUtterance[];
  } catch {
    return [];
  }
}

/** `send_wav.sample` as an enum with the transcript as its label, so the panel can offer the list. */
export function sampleSchema(): { enum?: string[]; 'x-enum-labels'?: Record<string, Localized> } {
  const list = sampleUtterances();
  if (!list.length) return {};
  return {
    enum: list.map((s) => s.file),
    'x-enum-labels': Object.fromEntries(list.map((s) => [s.file, { en: `${s.text} (${s.language})`, zh: `${s.text}(${s.language})` }])),
  };
}
