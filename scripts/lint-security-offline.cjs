// Preloaded into Electronegativity by scripts/lint-security.mjs: its release check downloads Electron's release list
// from GitHub with `got`, which crashes the process when offline. Answer every `got` call with an immediate failure;
// the check then reports "No connectivity?" and the scan completes. Electron updates are tracked through npm instead.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'got') {
    const offline = () => Promise.reject(new Error('offline: Parley does not fetch Electron release data during lint'));
    offline.head = offline;
    offline.get = offline;
    return offline;
  }
  return load.call(this, request, parent, isMain);
};
