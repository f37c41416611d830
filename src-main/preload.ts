// Placeholder until the Electron shell lands: exposes window.parley over IPC.
export {};
