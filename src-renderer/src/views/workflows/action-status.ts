import { ref } from 'vue';
import { errorText } from './format.ts';

/** The message / error line of a workflow view: `act` runs an action and shows what it returned, or why it failed. */
export function useActionStatus() {
  const message = ref('');
  const error = ref('');
  async function act(fn: () => Promise<string>): Promise<void> {
    message.value = error.value = '';
    try {
      message.value = await fn();
    } catch (err) {
      error.value = errorText(err);
    }
  }
  return { message, error, act };
}
