// E2E project setup: a test in which any frame of an open harness reported a Content-Security-Policy violation fails,
// with the directive, the blocked URL and the page that tried.
import { afterEach } from 'vitest';
import { describeViolations, openHarnesses } from '../harness.ts';

afterEach(() => {
  const found = [...openHarnesses].flatMap((h) => h.takeViolations());
  if (found.length) throw new Error(`Content-Security-Policy violations during this test:\n${describeViolations(found)}`);
});
