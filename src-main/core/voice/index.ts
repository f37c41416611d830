/**
 * Transport-neutral voice building blocks, for Node and the renderer alike (Node-only parts are in ./node/):
 * recognition accuracy, end of speech by energy, recognition of the shipped utterances, the sandbox bot, its
 * clock, and the utterance library and reply table.
 */
export * from './accuracy.ts';
export * from './endpoint.ts';
export * from './recognise.ts';
export * from './bot.ts';
export * from './clock.ts';
export * from './library.ts';
export * from './signal.ts';
