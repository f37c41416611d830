// ESLint flat config: TypeScript and Vue recommended rules; Prettier owns formatting (.prettierrc.json).
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

/**
 * The renderer's layer of src-main: the modules the renderer may import values from (schemas, parsers, metric math,
 * plain data), plain TypeScript that also runs in a browser. Everything else under src-main is Node-only (clients,
 * signing, sandboxes, sessions, the CLI): the renderer imports only its types. The rules below hold both sides: the
 * renderer imports nothing else, and these import no Node module. A shared file joins this list by a decision, here; a
 * vendor file joins it by living in its vendor's common/ folder.
 */
const RENDERER_LAYER = [
  'src-main/app/app-origin.ts',
  'src-main/core/audio/pcm.ts',
  'src-main/core/audio/wav.ts',
  'src-main/core/events.ts',
  'src-main/core/payload.ts',
  'src-main/core/room-events.ts',
  'src-main/core/room-sdks.ts',
  'src-main/core/sandbox/rooms/tencent-persona.ts',
  'src-main/core/sandbox/rooms/wire.ts',
  'src-main/core/schema.ts',
  'src-main/core/secrets/redact.ts',
  'src-main/core/validation/compiled.ts',
  'src-main/core/validation/fingerprint.ts',
  'src-main/core/validation/registry.ts',
  'src-main/core/validation/runtime.ts',
  // A vendor folder marks its layers: common/ is what the renderer may import (schemas, parsers, metric math); the
  // rest of the folder (clients, sandboxes, sessions, CLI commands) is Node-only.
  'src-main/core/vendors/*/common/*.ts',
  'src-main/core/workflows/diff.ts',
  // The voice building blocks outside voice/node/.
  'src-main/core/voice/*.ts',
];
const NODE_MODULES = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'ws', 'http', 'https', 'net', 'worker_threads', 'electron'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/**', '.vitest/**', 'build/**', 'scripts/lint-security-offline.cjs'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      // Formatting is Prettier's job.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/attributes-order': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Each vendor folder holds one Extras.vue, loaded by its renderer registry entry (src-renderer/src/vendors/registry.ts).
    files: ['src-renderer/src/vendors/*/Extras.vue', 'test/vendors/*/renderer/Extras.vue'],
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    // Electron is imported only under src-main/app and the preload; core runs in the CLI and tests too.
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'src-main/core and the CLI must not import electron' }] }] },
  },
  {
    // The renderer's layer of src-main (RENDERER_LAYER) runs in the renderer too: plain TypeScript, no Node modules.
    files: RENDERER_LAYER,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src-main/core and the CLI must not import electron' }],
          patterns: [
            { group: NODE_MODULES, message: 'this module is in the renderer layer (RENDERER_LAYER in eslint.config.js): it runs in the renderer too' },
          ],
        },
      ],
    },
  },
  {
    // The renderer reaches the world only through window.parley, and takes from src-main only its renderer layer's
    // values (types from anywhere).
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'child_process', 'ws', 'electron'], message: 'the renderer talks to main only through window.parley' },
            {
              group: ['**/src-main/**/*.ts', ...RENDERER_LAYER.map((f) => `!**/${f}`)],
              allowTypeImports: true,
              message:
                'a Node-only module of src-main: import its types only, or move what the renderer needs into the renderer layer (RENDERER_LAYER in eslint.config.js)',
            },
          ],
        },
      ],
    },
  },
);
