import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // Workers are processes or threads of their own, their scripts entries next to the main bundle: the history index
        // (a worker thread) and the LiveKit worker (a child process, core/livekit/worker-host.ts).
        input: {
          index: resolve(import.meta.dirname, 'src-main/app/main.ts'),
          'history-worker': resolve(import.meta.dirname, 'src-main/core/history/worker.ts'),
          'livekit-worker': resolve(import.meta.dirname, 'src-main/core/livekit/worker.ts'),
        },
        external: ['electron', '@napi-rs/keyring', 'ws', '@livekit/rtc-node', 'livekit-server-sdk'],
        // Shared chunks sit next to index.js, so the history client finds history-worker.js relative to itself.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot be an ES module: emit CommonJS (out/preload/index.js); only `electron` stays external.
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [vue()],
    // The page on 127.0.0.1, the room frame on localhost: one server, two origins (src-main/app/app-origin.ts).
    server: { host: '127.0.0.1' },
    build: {
      minify: true,
      // The app (index.html), the room frame that runs the vendors' RTC SDKs (room.html, another origin) and the turn agent's page.
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-renderer/index.html'),
          room: resolve(import.meta.dirname, 'src-renderer/room.html'),
          // The turn agent alone, for the CLI's headless Chromium (src-main/cli/agent-browser.ts).
          agent: resolve(import.meta.dirname, 'src-renderer/agent.html'),
        },
      },
    },
  },
});
