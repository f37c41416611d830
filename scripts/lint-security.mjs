#!/usr/bin/env node
// `npm run lint:security`: Electronegativity over the main-process and preload sources, as a review aid (not part of
// npm test; the enforced checks are test/unit/app/security-checklist.test.ts). Findings marked "Review Required" are
// expected for the reviewed CSP and the allow-listed shell.openExternal; read them, do not silence them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const args = [
  '--require',
  join(root, 'scripts', 'lint-security-offline.cjs'),
  cli,
  '-i',
  join(root, 'src-main'),
  '-r',
  '-e',
  electronVersion,
  ...process.argv.slice(2),
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
