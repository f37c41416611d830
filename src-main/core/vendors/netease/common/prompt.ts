/**
 * The prompt the MPS server composes from customPromptKeyWord + customPromptFormat ({{key}} placeholders).
 * Pure and dependency-free: the renderer's live preview and core's validate() use this same function.
 */
export interface ComposedPrompt {
  text: string;
  /** Placeholders in the format with no value in the key words (left in the text as they are). */
  missing: string[];
  /** Key words the format never uses. */
  unused: string[];
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

export function composePrompt(keyWords: Record<string, unknown> | undefined, format: string | undefined): ComposedPrompt {
  const words = keyWords ?? {};
  const used = new Set<string>();
  const missing: string[] = [];
  const text = (format ?? '').replace(PLACEHOLDER, (whole, key: string) => {
    if (!Object.hasOwn(words, key)) {
      if (!missing.includes(key)) missing.push(key);
      return whole;
    }
    used.add(key);
    return String(words[key]);
  });
  return { text, missing, unused: Object.keys(words).filter((k) => !used.has(k)) };
}
