// ESLint flat config: TypeScript and Vue recommended rules; Prettier owns formatting (.prettierrc.json).
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

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
    // Each vendor folder holds one Extras.vue, loaded by path (src-renderer/src/vendors/index.ts).
    files: ['src-renderer/src/vendors/*/Extras.vue'],
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    // Electron is imported only under src-main/app and the preload; core runs in the CLI and tests too.
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'src-main/core and the CLI must not import electron' }] }] },
  },
  {
    // The voice building blocks outside node/ are imported by the renderer too: plain TypeScript, no Node modules.
    files: ['src-main/core/voice/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src-main/core and the CLI must not import electron' }],
          patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'ws'], message: 'voice code outside voice/node/ runs in the renderer too' }],
        },
      ],
    },
  },
  {
    // The renderer reaches the world only through window.parley.
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'child_process', 'ws', 'electron'], message: 'the renderer talks to main only through window.parley' }] }],
    },
  },
);
