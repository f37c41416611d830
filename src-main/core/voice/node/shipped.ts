import { readFileSync } from 'node:fs';
import { resourcePath } from '../../resources.ts';
import { decodeLibraryWav, parseReplyTable, parseUtteranceLibrary, ReplyTable, type BotReply, type LibraryUtterance, type WithAudio } from '../library.ts';
import { UtteranceRecogniser } from '../recognise.ts';

/** The shipped utterance library and bot replies, read from resources/ once per process. */
export interface ShippedVoice {
  utterances: WithAudio<LibraryUtterance>[];
  replies: WithAudio<BotReply>[];
  recogniser: UtteranceRecogniser;
  replyTable: ReplyTable;
}

let shipped: ShippedVoice | null = null;

export function shippedVoice(): ShippedVoice {
  if (shipped) return shipped;
  const read = <T extends { file: string }>(folder: string, list: T[]): WithAudio<T>[] =>
    list.map((entry) => ({ ...entry, audio: decodeLibraryWav(readFileSync(resourcePath(folder, entry.file)), `${folder}/${entry.file}`) }));
  const utterances = read(
    'utterances',
    parseUtteranceLibrary(JSON.parse(readFileSync(resourcePath('utterances', 'utterances.json'), 'utf8')), 'utterances/utterances.json'),
  );
  const replies = read('bot', parseReplyTable(JSON.parse(readFileSync(resourcePath('bot', 'replies.json'), 'utf8')), 'bot/replies.json'));
  shipped = {
    utterances,
    replies,
    recogniser: new UtteranceRecogniser(utterances),
    replyTable: new ReplyTable(
      replies,
      utterances.map((u) => u.id),
    ),
  };
  return shipped;
}
