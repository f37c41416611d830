import { onBeforeUnmount, ref, type Ref } from 'vue';

/**
 * A Copy button's state. "Copied" shows only once the clipboard took the text (navigator.clipboard.writeText
 * resolved); when it refused (no clipboard-sanitized-write permission, page not focused ...) `failed` holds the
 * reason to show instead. Call from a component's setup.
 */
export function useCopy(showMs = 1200): { copied: Ref<boolean>; failed: Ref<string>; copy(text: string): Promise<boolean> } {
  const copied = ref(false);
  const failed = ref('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onBeforeUnmount(() => clearTimeout(timer));
  async function copy(text: string): Promise<boolean> {
    clearTimeout(timer);
    copied.value = false;
    failed.value = '';
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      failed.value = err instanceof Error && err.message ? err.message : String(err);
      return false;
    }
    copied.value = true;
    timer = setTimeout(() => (copied.value = false), showMs);
    return true;
  }
  return { copied, failed, copy };
}
