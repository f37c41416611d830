import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The history index runs in a worker thread: its script is a second entry next to the main bundle.
        input: { index: resolve(import.meta.dirname, 'src-main/app/main.ts'), 'history-worker': resolve(import.meta.dirname, 'src-main/core/history/worker.ts') },
        external: ['electron', '@napi-rs/keyring', 'ws'],
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
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
