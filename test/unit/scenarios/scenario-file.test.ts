import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateCase, parseCaseOrScenario, parseScenario, serializeScenario, type Scenario } from '../../../src-main/core/scenarios/scenario-file.ts';
import { addFolderUtterance, resolveSay, utteranceLibrary } from '../../../src-main/core/scenarios/utterances.ts';
import { listScenarioFolder } from '../../../src-main/core/scenarios/folder.ts';
import { parseCase } from '../../../src-main/core/workflows/case-file.ts';
import { encodeWav } from '../../../src-main/core/audio/wav.ts';

const base = (): Scenario => ({
  version: 2,
  name: 'three turns',
  vendors: { mindcraft: { operation: 'chat_bot_v3', payload: { language: 'zh' } } },
  steps: [
    { say: { utterance: 'hello-weather-zh' }, expect: { maxCer: 0.1, responseLatencyMs: 3000 } },
    { say: { utterance: 'cat-story-zh' }, interrupt: { afterMs: 1000, by: 'message' }, expect: { interruptionRecoveryMs: 1500 } },
    { pauseMs: 300 },
    { action: { mindcraft: { id: 'stop_output' } } },
    { say: { text: 'Tell me a short joke, please.', speak: true }, expect: { botText: 'joke|sure', maxWer: 0.2 } },
  ],
});

const errorOf = (s: unknown): string => {
  try {
    parseScenario(JSON.stringify(s), 'x.parley-case.json');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('scenario file (case file version 2)', () => {
  it('reads back what it writes, twice, in a stable order', () => {
    const text = serializeScenario(base());
    const again = serializeScenario(parseScenario(text));
    expect(again).toBe(text);
    expect(parseScenario(again).steps).toHaveLength(5);
  });

  it('names the field of a bad file', () => {
    const s = base() as unknown as { steps: Record<string, unknown>[] };
    expect(errorOf({ ...s, version: 3 })).toMatch(/\/version: expected 2/);
    expect(errorOf({ ...s, steps: [{ say: { utterance: 'a', text: 'b' } }] })).toMatch(
      /\/steps\/0\/say: give exactly one of utterance, wav or text, got utterance and text/,
    );
    expect(errorOf({ ...s, steps: [{ say: { wav: 'a.wav' } }] })).toMatch(/\/steps\/0\/say\/reference: a WAV turn needs the reference text/);
    expect(errorOf({ ...s, steps: [{ say: { text: 'hi' }, expect: { botText: '(' } }] })).toMatch(/\/steps\/0\/expect\/botText: not a regular expression/);
    expect(errorOf({ ...s, steps: [{ say: { text: '你好', language: 'zh', speak: true }, expect: { maxWer: 0.1 } }] })).toMatch(
      /\/steps\/0\/expect\/maxWer: .*scored by CER.*write maxCer/,
    );
    expect(errorOf({ ...s, steps: [{ say: { text: 'hi' }, expect: { interruptionRecoveryMs: 9 } }] })).toMatch(
      /interruptionRecoveryMs: this turn does not interrupt/,
    );
    expect(errorOf({ ...s, steps: [{ pauseMs: 10, expect: {} }] })).toMatch(/\/steps\/0\/expect: only a "say" turn takes expect/);
    expect(errorOf({ ...s, steps: [{ say: { text: 'hi' } }, { action: { convai: { id: 'interrupt-bot' } } }] })).toMatch(
      /\/steps\/1\/action\/convai: convai is not one of this scenario's vendors/,
    );
    expect(errorOf({ ...s, steps: [{ pauseMs: 10 }] })).toMatch(/at least one "say" turn/);
    expect(errorOf({ ...s, steps: [{ say: { text: 'hi' }, expect: { maxCer: -1 } }] })).toMatch(/maxCer/);
    expect(errorOf({ ...s, steps: [{ say: { text: 'hi' }, expect: { maxWer: 0.1 } }] })).toMatch(
      /\/steps\/0\/expect\/maxWer: a text sent as a message is not recognised/,
    );
    expect(() => parseScenario('{not json')).toThrow(/not JSON/);
  });

  it('still reads version 1 case files, and migrates one in memory without touching the file', () => {
    const v1 = {
      version: 1,
      name: 'old',
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      payload: {},
      input: { text: 'hello' },
      expectations: { status: 200, errorCode: 'E1', latencyBudgetsMs: { turn_latency_ms: 900 } },
    };
    const read = parseCaseOrScenario(JSON.stringify(v1));
    expect(read.version).toBe(1);
    const m = migrateCase(parseCase(JSON.stringify(v1)));
    expect(m.migratedFrom).toBe(1);
    expect(m.steps).toEqual([{ say: { text: 'hello' }, expect: { errorCode: 'E1', responseLatencyMs: 900 } }]);
    expect(m.legacyChecks).toEqual({ status: 200, latencyBudgetsMs: { turn_latency_ms: 900 } });
    expect(serializeScenario(m)).not.toMatch(/migratedFrom|legacyChecks/);
    const dir = mkdtempSync(join(tmpdir(), 'scen-'));
    writeFileSync(join(dir, 'old.parley-case.json'), JSON.stringify(v1));
    writeFileSync(join(dir, 'new.parley-case.json'), serializeScenario(base()));
    writeFileSync(join(dir, 'bad.parley-case.json'), '{"version": 2, "name": "b", "vendors": {}, "steps": [{"say": {"text": "hi"}}]}');
    const listed = listScenarioFolder(dir);
    expect(listed.map((e) => [e.path.split('/').pop(), e.case?.version ?? e.error])).toEqual([
      ['bad.parley-case.json', expect.stringMatching(/bad\.parley-case\.json: .*vendors/)],
      ['new.parley-case.json', 2],
      ['old.parley-case.json', 1],
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'old.parley-case.json'), 'utf8'))).toEqual(v1);
  });

  it('resolves utterances from the folder library first, then the shipped one; users add their own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scen-'));
    const wav = encodeWav(
      new Int16Array(1600).map((_, i) => Math.round(8000 * Math.sin(i / 5))),
      16000,
      1,
    );
    addFolderUtterance(dir, { id: 'my-order', language: 'en', text: 'Where is my order?' }, wav);
    expect(() => addFolderUtterance(dir, { id: 'my-order', language: 'en', text: 'x' }, wav)).toThrow(/already has an utterance "my-order"/);
    expect(() => addFolderUtterance(dir, { id: 'bad', language: 'en', text: 'x' }, new Uint8Array([1, 2, 3]))).toThrow(/bad\.wav/);
    const library = utteranceLibrary(dir);
    expect(library[0]).toMatchObject({ id: 'my-order', origin: 'folder' });
    expect(library.some((u) => u.id === 'hello-weather-zh' && u.origin === 'shipped')).toBe(true);
    const o = { library, ttsCacheDir: join(dir, 'tts') };
    expect(await resolveSay({ utterance: 'my-order' }, '/steps/0/say', o)).toMatchObject({
      reference: 'Where is my order?',
      language: 'en',
      label: 'my-order',
    });
    expect(await resolveSay({ utterance: 'hello-weather-zh' }, '/steps/0/say', o)).toMatchObject({ language: 'zh', reference: '你好,今天天气怎么样?' });
    await expect(resolveSay({ utterance: 'nope' }, '/steps/3/say', o)).rejects.toThrow(/\/steps\/3\/say\/utterance: no utterance "nope"/);
    expect(await resolveSay({ text: '你好' }, '/steps/0/say', o)).toMatchObject({ text: '你好', language: 'zh', reference: '你好' });
  });
});
