import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { playwright } from '@vitest/browser-playwright';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** Node-side helpers of the renderer tests (browser commands), loaded when first called. */
const rendererCommands = () => import(pathToFileURL(resolve(import.meta.dirname, 'test/renderer/support/main-findings.ts')).href);

/**
 * Six projects, one `npm test`:
 * - unit: pure logic, no I/O beyond temp files.
 * - keychain: the real OS keychain (scripts/test.sh provides a private D-Bus session with gnome-keyring).
 * - fuzz: property-based tests (fast-check) of every payload validator and wire parser at its boundary.
 * - integration: core against the loopback sandboxes, CLI as a child process.
 * - renderer: Vue components in real Chromium (vitest browser mode).
 * - e2e: the built renderer in Chromium with the real core behind the WebSocket bridge.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'keychain', include: ['test/keychain/**/*.test.ts'], environment: 'node', fileParallelism: false } },
      { test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // Vitest's default is one worker per core less one: a single one on a 2-core CI machine. The slow integration
          // files wait on real-time audio (the sandbox bots speak at real-time pace) and child processes, not on the
          // CPU, so they run two at a time, in a group of their own after the unit, fuzz and renderer files (the CPU-bound
          // fuzz files stay one at a time). Each has its own temp data folder, OS-chosen ports and keychain service.
          maxWorkers: Number(process.env.PARLEY_TEST_WORKERS) || Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 1 },
        },
      },
      {
        plugins: [vue()],
        // Pre-bundled up front: found mid-run (the kitchen sink's run-time compiler), they would re-optimise the deps
        // and fail the file importing them with a stale chunk.
        optimizeDeps: { include: ['ajv', 'ajv/dist/standalone/index.js', 'ajv-formats', 'ajv-formats/dist/formats.js'] },
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                // Chromium's fake microphone (a beep) stands in for the hardware, granted without a prompt.
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                  '--autoplay-policy=no-user-gesture-required',
                  '--use-fake-device-for-media-stream',
                  '--use-fake-ui-for-media-stream',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
            // Main's validation in Node, compared with the form's in test/renderer/validation-csp.test.ts.
            commands: {
              mainFindings: async (_ctx, vendor: string, operation: string, payload: unknown) =>
                (await rendererCommands()).mainFindings(vendor, operation, payload),
              operationViews: async () => (await rendererCommands()).operationViews(),
            },
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/e2e/support/setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // expect.poll waits on a condition in the page; its 1 s default is one busy second of a UI update.
          expect: { poll: { timeout: 10_000 } },
          // One E2E file at a time, after the other projects: two at a time (each a Chromium, a core, often a LiveKit
          // room) on 2 busy cores took about as long in all, made a first Convai /connect (it starts livekit-server)
          // miss its 10 s answer time, and slowed the fuzz files run beside them past their limits.
          fileParallelism: false,
        },
      },
    ],
  },
});
