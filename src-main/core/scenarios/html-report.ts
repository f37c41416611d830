/**
 * The run's HTML report: one self-contained file (inline CSS, inline SVG, the audio of failed turns as data: URLs;
 * no script, nothing fetched), readable in any browser, attached to a CI job or opened from the app.
 *
 * - per vendor: turns run / passed, and median and p90 of each figure (nearest rank, as compare reports them);
 * - a latency chart: each turn's response latency per vendor as a dot, the median as a bar;
 * - every row: outcome, figures, failures (a recognition failure shows reference and recognised text aligned);
 * - failed turns: the bot's audio as it was received, to listen to.
 */
import { median, percentile } from '../workflows/stats.ts';
import { csvCell } from '../workflows/compare.ts';
import { escapeXml, type CaseRunReport, type RunReport } from '../workflows/report.ts';
import { isTurnRow, type TurnRunReport } from './runner.ts';

export type ReportLanguage = 'en' | 'zh';

const TEXT = {
  en: {
    title: 'Parley run report',
    summary: (t: RunReport['totals']) =>
      `${t.passed} passed, ${t.failed} failed, ${t.errors} errors${t.noChecks ? `, ${t.noChecks} checking nothing` : ''} · ${t.cases} rows`,
    target: 'Target',
    started: 'Started',
    duration: 'Duration',
    perVendor: 'Per vendor',
    vendor: 'Vendor',
    rows: 'Rows',
    passed: 'Passed',
    chart: 'Response latency per turn (ms): dots are turns, bars are medians',
    results: 'Results',
    name: 'Case / turn',
    outcome: 'Outcome',
    figures: 'Figures',
    details: 'Failures and notes',
    audio: 'Bot audio of this turn',
    median: 'median',
    none: 'no figure',
    outcomes: { pass: 'PASS', fail: 'FAIL', error: 'ERROR', 'no-checks': 'NO CHECKS' },
    figure: {
      response_latency_ms: 'Response latency (ms)',
      first_audio_ms: 'Time to first audio (ms)',
      interruption_recovery_ms: 'Interruption recovery (ms)',
      bot_audio_s: 'Bot audio (s)',
      setup_ms: 'Setup (ms)',
      cer: 'CER',
      wer: 'WER',
    },
    audioTooLarge: 'audio too large to embed; see the session folder',
    reference: 'reference',
    recognised: 'recognised',
    bot: 'bot',
  },
  zh: {
    title: 'Parley 运行报告',
    summary: (t: RunReport['totals']) => `通过 ${t.passed},失败 ${t.failed},错误 ${t.errors}${t.noChecks ? `,未检查 ${t.noChecks}` : ''} · 共 ${t.cases} 行`,
    target: '目标',
    started: '开始时间',
    duration: '耗时',
    perVendor: '按厂商',
    vendor: '厂商',
    rows: '行数',
    passed: '通过',
    chart: '每轮响应延迟(毫秒):点为单轮,横条为中位数',
    results: '结果',
    name: '用例 / 轮次',
    outcome: '结果',
    figures: '指标',
    details: '失败与说明',
    audio: '本轮机器人音频',
    median: '中位数',
    none: '无数据',
    outcomes: { pass: '通过', fail: '失败', error: '错误', 'no-checks': '未检查' },
    figure: {
      response_latency_ms: '响应延迟(毫秒)',
      first_audio_ms: '首音频时间(毫秒)',
      interruption_recovery_ms: '打断恢复(毫秒)',
      bot_audio_s: '机器人音频(秒)',
      setup_ms: '建立(毫秒)',
      cer: 'CER',
      wer: 'WER',
    },
    audioTooLarge: '音频过大,未嵌入;请查看会话文件夹',
    reference: '参考文本',
    recognised: '识别结果',
    bot: '机器人',
  },
} as const;

const FIGURES = ['response_latency_ms', 'first_audio_ms', 'interruption_recovery_ms', 'bot_audio_s', 'cer', 'wer'] as const;

/** Audio larger than this is not embedded (a report stays small enough to attach to a CI job). */
export const MAX_EMBEDDED_AUDIO_BYTES = 3 * 1024 * 1024;

export interface HtmlReportOptions {
  lang?: ReportLanguage;
  /** The bytes of a turn's bot audio (a WAV), or null when it cannot be read. */
  readAudio?: (file: string) => Uint8Array | null;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function fmt(name: string, v: number | undefined): string {
  if (v === undefined) return '—';
  if (name === 'cer' || name === 'wer') return `${(v * 100).toFixed(1)} %`;
  if (name === 'bot_audio_s') return v.toFixed(2);
  return String(Math.round(v));
}

const VENDOR_COLOURS: Record<string, string> = { convai: '#2563eb', netease: '#16a34a', mindcraft: '#d97706', tencent: '#9333ea' };

function latencyChart(rows: CaseRunReport[], vendors: string[], t: (typeof TEXT)[ReportLanguage]): string {
  const values = vendors.map((v) =>
    rows
      .filter((r) => r.vendor === v)
      .map((r) => num(r.figures?.response_latency_ms ?? r.figures?.turn_latency_ms))
      .filter((x): x is number => x !== undefined),
  );
  const all = values.flat();
  if (!all.length) return `<p class="muted">${t.chart}: ${t.none}</p>`;
  // Ticks at a round step (1, 2 or 5 × 10^n), four or five of them.
  const rough = Math.max(...all, 1) / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((x) => x >= rough)!;
  const max = Math.ceil((Math.max(...all) * 1.05) / step) * step || step;
  const rowH = 34;
  const left = 110;
  const width = 900;
  const height = vendors.length * rowH + 30;
  const x = (v: number) => left + (v / max) * (width - left - 20);
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  const parts: string[] = [];
  for (const tick of ticks)
    parts.push(
      `<line x1="${x(tick)}" y1="10" x2="${x(tick)}" y2="${height - 20}" class="grid"/><text x="${x(tick)}" y="${height - 6}" text-anchor="middle" class="tick">${tick}</text>`,
    );
  vendors.forEach((v, i) => {
    const y = 10 + i * rowH + rowH / 2;
    const colour = VENDOR_COLOURS[v] ?? '#475569';
    parts.push(`<text x="${left - 10}" y="${y + 4}" text-anchor="end" class="label">${escapeXml(v)}</text>`);
    for (const value of values[i]!)
      parts.push(
        `<circle cx="${x(value).toFixed(1)}" cy="${y}" r="5" fill="${colour}" fill-opacity="0.55"><title>${escapeXml(v)}: ${Math.round(value)} ms</title></circle>`,
      );
    const m = median(values[i]!);
    if (m !== undefined)
      parts.push(
        `<rect x="${(x(m) - 1.5).toFixed(1)}" y="${y - 12}" width="3" height="24" fill="${colour}"><title>${escapeXml(v)} ${t.median}: ${Math.round(m)} ms</title></rect>`,
      );
  });
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(t.chart)}">${parts.join('')}</svg><figcaption>${escapeXml(t.chart)}</figcaption></figure>`;
}

function vendorTable(rows: CaseRunReport[], vendors: string[], t: (typeof TEXT)[ReportLanguage]): string {
  const shown = FIGURES.filter((f) => rows.some((r) => num(r.figures?.[f]) !== undefined));
  const head = `<tr><th>${t.vendor}</th><th>${t.rows}</th><th>${t.passed}</th>${shown.map((f) => `<th>${escapeXml(t.figure[f])}<br><span class="muted">${t.median} / p90</span></th>`).join('')}</tr>`;
  const body = vendors.map((v) => {
    const mine = rows.filter((r) => r.vendor === v);
    const cells = shown.map((f) => {
      const xs = mine.map((r) => num(r.figures?.[f])).filter((x): x is number => x !== undefined);
      return `<td class="num">${xs.length ? `${fmt(f, median(xs))} / ${fmt(f, percentile(xs, 90))}` : '—'}</td>`;
    });
    return `<tr><td><span class="dot" style="background:${VENDOR_COLOURS[v] ?? '#475569'}"></span>${escapeXml(v)}</td><td class="num">${mine.length}</td><td class="num">${mine.filter((r) => r.outcome === 'pass').length}</td>${cells.join('')}</tr>`;
  });
  return `<table>${head}${body.join('')}</table>`;
}

function rowHtml(r: CaseRunReport, t: (typeof TEXT)[ReportLanguage], o: HtmlReportOptions): string {
  const figures = Object.entries(r.figures ?? {})
    .filter(([k, v]) => v !== undefined && k !== 'recognised_text' && k !== 'bot_text' && k !== 'transcript')
    .map(([k, v]) => `<span class="fig"><b>${escapeXml(k)}</b> ${escapeXml(typeof v === 'number' ? fmt(k, v) : String(v))}</span>`)
    .join(' ');
  const turn = isTurnRow(r) ? (r as TurnRunReport) : null;
  const texts: string[] = [];
  if (turn?.recognition)
    texts.push(
      `<div class="texts"><div><span class="muted">${t.reference}</span> ${escapeXml(turn.recognition.reference)}</div><div><span class="muted">${t.recognised}</span> ${escapeXml(turn.recognition.recognised || '—')}</div></div>`,
    );
  if (turn?.measurement?.botText) texts.push(`<div class="muted">${t.bot}: ${escapeXml(turn.measurement.botText)}</div>`);
  const notes = [...(r.error ? [r.error] : []), ...r.failures, ...(r.note ? [r.note] : [])];
  let audio = '';
  if (turn?.botAudioFile && (r.outcome === 'fail' || r.outcome === 'error') && o.readAudio) {
    const bytes = o.readAudio(turn.botAudioFile);
    if (bytes && bytes.length <= MAX_EMBEDDED_AUDIO_BYTES)
      audio = `<div class="audio">${t.audio}<br><audio controls preload="none" src="data:${/\.mp3$/i.test(turn.botAudioFile) ? 'audio/mpeg' : 'audio/wav'};base64,${Buffer.from(bytes).toString('base64')}"></audio></div>`;
    else if (bytes) audio = `<div class="muted">${t.audioTooLarge}</div>`;
  }
  return `<tr class="${r.outcome}"><td><div class="name">${escapeXml(r.name)}</div><div class="muted">${escapeXml([r.collection, r.vendor, r.operation, r.profile].filter(Boolean).join(' · '))}</div>${texts.join('')}</td><td><span class="badge ${r.outcome}">${t.outcomes[r.outcome]}</span></td><td>${figures}</td><td>${notes.map((n) => `<pre>${escapeXml(n)}</pre>`).join('')}${audio}</td></tr>`;
}

const CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#0f172a;background:#f8fafc}
body{margin:0;padding:24px 32px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.muted{color:#64748b;font-size:12px}
.summary{font-size:15px;margin:6px 0 16px}.summary.ok{color:#15803d}.summary.bad{color:#b91c1c}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e2e8f0;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:8px 10px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600}th:last-child{min-width:240px}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.pass{background:#dcfce7;color:#166534}.badge.fail{background:#fee2e2;color:#991b1b}.badge.error{background:#fef3c7;color:#92400e}.badge.no-checks{background:#e2e8f0;color:#334155}
.fig{display:inline-block;margin:0 10px 4px 0;white-space:nowrap;font-variant-numeric:tabular-nums}.fig b{font-weight:500;color:#475569}
pre{margin:0 0 6px;white-space:pre-wrap;font:12px/1.45 ui-monospace,"Cascadia Mono","Noto Sans Mono CJK SC",monospace;background:#fef2f2;border-left:3px solid #f87171;padding:6px 8px}
.texts{margin-top:6px;font-size:12px}.name{font-weight:600}
figure{margin:0;background:#fff;border:1px solid #e2e8f0;padding:12px}figcaption{font-size:12px;color:#64748b;margin-top:4px}
svg{max-width:100%;height:auto;display:block}svg .grid{stroke:#e2e8f0}svg .tick{font-size:11px;fill:#64748b}svg .label{font-size:13px;fill:#0f172a}
audio{margin-top:4px;width:260px}
`;

export function toHtmlReport(report: RunReport, o: HtmlReportOptions = {}): string {
  const t = TEXT[o.lang ?? 'en'];
  const vendors = [...new Set(report.results.map((r) => r.vendor).filter(Boolean))];
  return `<!doctype html>
<html lang="${o.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:">
<title>${escapeXml(t.title)}</title><style>${CSS}</style></head><body>
<h1>${escapeXml(t.title)}</h1>
<div class="muted">${t.target}: ${report.target} · ${t.started}: ${escapeXml(report.startedAt)} · ${t.duration}: ${(report.durationMs / 1000).toFixed(1)} s</div>
<div class="summary ${report.ok ? 'ok' : 'bad'}">${escapeXml(t.summary(report.totals))}</div>
<h2>${t.perVendor}</h2>${vendorTable(report.results, vendors, t)}
${latencyChart(report.results, vendors, t)}
<h2>${t.results}</h2>
<table><tr><th>${t.name}</th><th>${t.outcome}</th><th>${t.figures}</th><th>${t.details}</th></tr>${report.results.map((r) => rowHtml(r, t, o)).join('')}</table>
</body></html>
`;
}

/** The rows as CSV (one per case run, or per vendor and turn), every figure a column; formula-safe cells. */
export function toRunCsv(report: RunReport): string {
  const keys = [...new Set(report.results.flatMap((r) => Object.keys(r.figures ?? {})))];
  const head = ['name', 'collection', 'vendor', 'operation', 'profile', 'turn', 'outcome', ...keys, 'failures'];
  const rows = report.results.map((r) => [
    r.name,
    r.collection,
    r.vendor,
    r.operation,
    r.profile,
    isTurnRow(r) ? r.turn : '',
    r.outcome,
    ...keys.map((k) => r.figures?.[k] ?? ''),
    [...(r.error ? [r.error] : []), ...r.failures].join(' | '),
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
