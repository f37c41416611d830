import { afterEach, describe, expect, it } from 'vitest';
import RecognitionPanel from '../../../src-renderer/src/views/workflows/RecognitionPanel.vue';
import { i18n } from '../../../src-renderer/src/i18n/index.ts';
import { scoreRecognition } from '../../../src-main/core/voice/accuracy.ts';
import { scoredRecord, type RecognitionRecord } from '../../../src-main/core/voice/recognition-record.ts';
import { mount, tick, type Mounted } from '../support/mount.ts';

const REF = '帮我订一张明天去上海的火车票。';
const HEARD = '帮我订一张明天去北京的火车票';

describe('the session view: recognition accuracy', () => {
  let m: Mounted<{ records: RecognitionRecord[] | undefined }> | undefined;
  afterEach(() => m?.unmount());

  it('reference and recognised side by side with the score; a session without records says why it is not scored, in both languages', async () => {
    m = mount(RecognitionPanel, { records: undefined as RecognitionRecord[] | undefined });
    const q = (test: string) => [...m!.el.querySelectorAll(`[data-test="${test}"]`)].map((e) => e.textContent!.trim());
    // Recorded before scoring existed (no field at all), and a record with none: "not scored", with the reason.
    for (const records of [undefined, []]) {
      m.props.records = records;
      await tick();
      expect(q('recognition-none')[0]).toMatch(/^Not scored: .*recorded before scoring existed/);
      expect(q('recognition-turn')).toEqual([]);
    }
    const zh = scoredRecord(1, 'book-train-zh', 'zh', REF, HEARD, scoreRecognition(REF, HEARD, { language: 'zh' }));
    const failed: RecognitionRecord = {
      turn: 2,
      source: 'thanks-bye-zh',
      language: 'zh',
      reference: '谢谢,再见',
      recognised: '',
      why: 'the turn failed before anything was measured',
    };
    m.props.records = [zh, failed];
    await tick();
    expect(q('recognition-none')).toEqual([]);
    // Hand-worked: 上海 → 北京 is 2 substitutions in 14 characters.
    expect(q('recognition-score')).toEqual(['CER 14.3 %']);
    expect(q('recognition-reference')).toEqual([REF, '谢谢,再见']);
    expect(q('recognition-recognised')).toEqual([HEARD, '(nothing recognised)']);
    expect(q('recognition-why')).toEqual(['the turn failed before anything was measured']);
    expect(m.el.querySelectorAll('.alignment .col.substitution')).toHaveLength(2);
    i18n.global.locale.value = 'zh-CN';
    await tick();
    expect(q('recognition-unscored')).toEqual(['未评分']);
    expect(m.el.textContent).toContain('参考文本');
    m.props.records = undefined;
    await tick();
    expect(q('recognition-none')[0]).toMatch(/^未评分/);
    i18n.global.locale.value = 'en';
  });
});
