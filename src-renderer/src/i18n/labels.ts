/**
 * Words for things core names in English: seeded profile names, the summaries core itself writes into a session
 * record, inspector step headings, and errors (ours apart from the vendor's, each with what to do). Vendor wire
 * messages are data and stay as the vendor sent them.
 */
import type { Localized } from '../../../src-main/core/schema.ts';

const zh = (locale: string) => locale.startsWith('zh');

/** A seeded sandbox profile ("<Vendor> sandbox") is shown in the UI language until the user renames it. */
export function profileLabel(p: { name: string; vendor: string }, locale: string, vendor?: { title: Localized }): string {
  if (!vendor || !zh(locale) || p.name !== `${vendor.title.en} sandbox`) return p.name;
  return `${vendor.title.zh} 沙箱`;
}

/** A stored label that may be a seeded profile's name (a comparison's column labels), shown in the UI language. */
export function labelOf(name: string, locale: string, vendors: { id: string; title: Localized }[]): string {
  const v = vendors.find((x) => name === `${x.title.en} sandbox`);
  return v ? profileLabel({ name, vendor: v.id }, locale, v) : name;
}

/**
 * Phrases of the summaries Parley itself writes (session, task, turn, audio and metric lines), in Chinese. Vendor
 * text inside them (what was recognised, what the bot said) and ids stay as they are.
 */
const SUMMARY_ZH: [RegExp, string | ((...groups: string[]) => string)][] = [
  [/^stop requested · closing the vendor task$/, '请求停止 · 正在关闭厂商任务'],
  [/^stop requested · leaving the vendor task running$/, '请求停止 · 保留厂商任务运行'],
  [/^stop requested$/, '请求停止'],
  [/^ok · /, '成功 · '],
  [/^failed · /, '失败 · '],
  [/ · task closed$/, ' · 任务已关闭'],
  [/ · task not closed \(/, ' · 任务未关闭（'],
  [/^vendor task closed · /, '厂商任务已关闭 · '],
  [/^the vendor task may still be running: /, '厂商任务可能仍在运行：'],
  [/^ids of this run: /, '本次运行的 ID：'],
  [/^TURN: /, '轮次：'],
  [/(^|· )(\d+) turns?( · |$)/, '$1$2 轮$3'],
  [/ · stopped$/, ' · 已停止'],
  [/^connecting /, '正在连接 '],
  [/^open /, '已连接 '],
  [/^closed (\d+) · client stopped$/, '已关闭 $1 · 客户端停止'],
  [/^turn (\d+) (done|interrupted|failed)/, (_m, n, st) => `第 ${n} 轮${{ done: '完成', interrupted: '已打断', failed: '失败' }[st!]}`],
  [/^turn (\d+) · /, '第 $1 轮 · '],
  [/segment #(\d+) scheduled (\S+) s$/, '片段 #$1 排期 $2 秒'],
  [/segment #(\d+) · /, '片段 #$1 · '],
  [/ · upload stop → /, ' · 停止上传 → '],
  [/ · text sent → /, ' · 发送文本 → '],
  [/ · bot audio /, ' · 机器人音频 '],
  [/your speech (\S+) s saved as /, '你的语音 $1 秒，已保存为 '],
  [/sending (\S+) s of speech/, '发送 $1 秒语音'],
  [/^authenticated by API key \(first message auth_token\)/, '已通过 API key 认证（首条消息 auth_token）'],
  [/^authenticated by device token \(\?token= on the URL\)/, '已通过设备令牌认证（URL 中的 ?token=）'],
  [/ · confirmed by /, ' · 确认：'],
  [/\(first message\)/, '（首条消息）'],
  [/ · request ([0-9a-f-]+)/, ' · 请求 $1'],
  [/agent stopped: end of answer/, '智能体已停止：回答结束'],
  [/stopped realtime recognition/, '已停止实时识别'],
  [/ · authenticated \((\w+)\)$/, ' · 已认证（$1）'],
  [/^task (\S+) created in (\S+)/, '任务 $1 已在 $2 创建'],
  [/^task closed in (\S+)/, '任务已在 $1 关闭'],
  [/\((server|client) API\)$/, (_m, v) => `（${v === 'server' ? '服务端' : '客户端'} API）`],
];

/** A log summary in the UI language where Parley wrote it; vendor wire text stays as recorded. */
export function localizeSummary(_kind: string, summary: string, locale: string): string {
  if (!zh(locale)) return summary;
  let out = summary;
  for (const [en, cn] of SUMMARY_ZH) out = typeof cn === 'string' ? out.replace(en, cn) : out.replace(en, cn);
  return out;
}

/** Inspector step headings the vendors' inspect() writes, in Chinese. */
const STEP_ZH: Record<string, string> = {
  'Canonical request': '规范请求串',
  'String to sign': '待签名字符串',
  'Signed headers': '签名的请求头',
  Signature: '签名',
  'Authorization (SecretId masked)': 'Authorization（SecretId 已遮盖）',
  Mode: '调用方式',
  Variant: 'API 类型',
  'CheckSum input': 'CheckSum 输入',
  'CheckSum = sha1(input), lowercase hex': 'CheckSum = sha1(输入)，小写十六进制',
  CurTime: 'CurTime',
  'Composed prompt (preview)': '合成提示词（预览）',
  speech: '语音',
  'stop upload': '停止上传',
  interrupt: '打断',
};

export function stepLabel(label: string, locale: string): string {
  if (!zh(locale)) return label;
  if (STEP_ZH[label]) return STEP_ZH[label]!;
  // Mindcraft's numbered steps: "1. open WebSocket", "2. auth (first message)", "3. start chat_bot_v3 (text turn)".
  return label
    .replace(/open WebSocket/, '建立 WebSocket')
    .replace(/auth \(first message\)/, '认证（第一条消息）')
    .replace(/^(\d+)\. start /, '$1. 启动 ')
    .replace(/ \(text turn\)/, '（文本对话）');
}

export interface ErrorAdvice {
  /** 'parley': our own check or the network (the vendor never answered); 'vendor': the vendor's own answer. */
  source: 'parley' | 'network' | 'vendor';
  /** What happened, in words. */
  what: string;
  /** What to do about it. */
  fix: string;
}

type Words = { what: string; fix: string };
const NETWORK: Record<string, { en: Words; zh: Words }> = {
  dns: {
    en: { what: 'The vendor host name could not be resolved (DNS).', fix: 'Check the network connection and the endpoint in the profile settings.' },
    zh: { what: '无法解析厂商的主机名（DNS）。', fix: '请检查网络连接和配置中的服务地址。' },
  },
  connection_refused: {
    en: {
      what: 'Nothing answers at the endpoint (connection refused).',
      fix: 'Check the endpoint URL and port in the profile settings; for a sandbox profile, restart Parley.',
    },
    zh: { what: '服务地址没有响应（连接被拒绝）。', fix: '请检查配置中的服务地址和端口；沙箱配置请重启 Parley。' },
  },
  connection_reset: {
    en: {
      what: 'The connection was cut before the answer arrived.',
      fix: 'Send again; if it keeps happening, check a proxy or firewall between you and the vendor.',
    },
    zh: { what: '在收到回复前连接被中断。', fix: '请重新发送；若反复出现，请检查代理或防火墙。' },
  },
  timeout: {
    en: { what: 'The vendor did not answer in time.', fix: 'Raise the response timeout in the profile, or check the network.' },
    zh: { what: '厂商未在超时时间内回复。', fix: '请在配置中调大响应超时，或检查网络。' },
  },
  aborted: {
    en: { what: 'The request was stopped before it was answered.', fix: 'Send again when you are ready.' },
    zh: { what: '请求在收到回复前被停止。', fix: '准备好后请重新发送。' },
  },
  network: {
    en: { what: 'A network error stopped the request.', fix: 'Check the network connection and the endpoint in the profile settings.' },
    zh: { what: '网络错误导致请求失败。', fix: '请检查网络连接和配置中的服务地址。' },
  },
};

const OWN: Record<string, { en: Words; zh: Words }> = {
  CREDENTIAL_MISSING: {
    en: {
      what: 'A credential this call needs is not set in the profile.',
      fix: 'Open the profile (gear next to its name) and type the credential, then Save.',
    },
    zh: { what: '此调用所需的凭据未在配置中设置。', fix: '请打开配置（名称旁的齿轮），填写该凭据并保存。' },
  },
  PAYLOAD: {
    en: {
      what: 'Parley could not prepare the payload.',
      fix: 'Check the field the message names; a {{secret:…}} reference needs that credential set in the profile.',
    },
    zh: { what: 'Parley 无法准备请求内容。', fix: '请检查消息中指出的字段；{{secret:…}} 引用需要在配置中设置对应凭据。' },
  },
  SETTINGS: {
    en: { what: 'The profile settings are not usable.', fix: 'Open the profile and correct its settings (the endpoint, most often).' },
    zh: { what: '配置中的设置无法使用。', fix: '请打开配置并修正设置（通常是服务地址）。' },
  },
  BAD_ENDPOINT: {
    en: { what: 'The endpoint in the profile is not a valid URL.', fix: 'Open the profile and correct the endpoint.' },
    zh: { what: '配置中的服务地址不是有效的 URL。', fix: '请打开配置并修正服务地址。' },
  },
  TURN: {
    en: { what: 'The turn could not be completed.', fix: 'Check the input (WAV file or text) and the profile timeouts.' },
    zh: { what: '无法完成本轮对话。', fix: '请检查输入（WAV 文件或文本）和配置中的超时设置。' },
  },
  KEYCHAIN_UNAVAILABLE: {
    en: { what: 'The OS keychain is not available.', fix: 'Unlock or start the system keychain (on Linux: gnome-keyring or KWallet), then try again.' },
    zh: { what: '系统钥匙串不可用。', fix: '请解锁或启动系统钥匙串（Linux：gnome-keyring 或 KWallet）后重试。' },
  },
};
const OWN_DEFAULT = {
  en: { what: 'A check in Parley stopped this call.', fix: 'The message says which field or setting to correct.' },
  zh: { what: 'Parley 的检查阻止了此调用。', fix: '请按消息提示修正字段或设置。' },
};

/** Our own codes are lower_snake (transport) or UPPER_SNAKE; a vendor's have dots, digits, CamelCase or "HTTP 4xx". */
export function isOwnCode(code: string): boolean {
  return /^[a-z_]+$/.test(code) || /^[A-Z][A-Z0-9_]*$/.test(code);
}

export function adviseError(error: { code: string; httpStatus?: number }, locale: string): ErrorAdvice {
  const l = zh(locale) ? 'zh' : 'en';
  if (NETWORK[error.code]) return { source: 'network', ...NETWORK[error.code]![l] };
  if (isOwnCode(error.code)) return { source: 'parley', ...(OWN[error.code] ?? OWN_DEFAULT)[l] };
  const code = error.code;
  const status = error.httpStatus ?? Number(/^HTTP[ _](\d{3})$/.exec(code)?.[1] ?? NaN);
  const cn = l === 'zh';
  const what = cn ? '厂商拒绝了请求。' : 'The vendor refused the request.';
  if (/^AuthFailure|Signature|^414$/.test(code) || status === 401 || status === 403)
    return {
      source: 'vendor',
      what,
      fix: cn ? '请检查配置中的凭据（签名类错误还需检查本机时钟）。' : "Check the profile's credentials (for a signature error, also this computer's clock).",
    };
  if (/^InvalidParameter|^MissingParameter|^UnknownParameter/.test(code) || status === 422 || status === 400)
    return { source: 'vendor', what, fix: cn ? '请修正表单中标出的字段后重新发送。' : 'Correct the field marked in the form and send again.' };
  if (/TaskExist|already/i.test(code))
    return {
      source: 'vendor',
      what,
      fix: cn
        ? '该房间/会话已有任务在运行：先停止它（"未关闭的任务"），或换一个房间号。'
        : 'A task already runs for this room or session: stop it (Open tasks) or use another room id.',
    };
  if (status === 404)
    return { source: 'vendor', what, fix: cn ? '请检查服务地址，以及请求中的 ID 是否存在。' : 'Check the endpoint, and that the ids in the request exist.' };
  if (status >= 500)
    return {
      source: 'vendor',
      what: cn ? '厂商服务出错。' : 'The vendor had an error on its side.',
      fix: cn ? '稍后重试；若持续出现，请带上请求 ID 联系厂商。' : 'Try again later; if it persists, contact the vendor with the request id.',
    };
  return {
    source: 'vendor',
    what,
    fix: cn ? '消息中给出了厂商的原因；请按其修正后重新发送。' : "The message gives the vendor's reason; correct what it names and send again.",
  };
}

/** Contract refusals ("cases.save: /dir: must NOT have fewer than 1 characters") in words. */
const FIELD_WORDS: Record<string, { en: string; zh: string }> = {
  dir: { en: 'The case folder', zh: '用例文件夹' },
  path: { en: 'The file path', zh: '文件路径' },
  name: { en: 'The name', zh: '名称' },
  wav: { en: 'The WAV file path', zh: 'WAV 文件路径' },
  text: { en: 'The text', zh: '文本' },
  profileId: { en: 'The profile', zh: '配置' },
  sessionIds: { en: 'The sessions', zh: '会话' },
};
export function contractErrorInWords(message: string, locale: string): string {
  const m = /^[a-z]+\.[A-Za-z]+: (\/[^:]*): (.+)$/.exec(message);
  if (!m) return message;
  const field = m[1]!.split('/').filter(Boolean).at(-1) ?? '';
  const l = zh(locale) ? 'zh' : 'en';
  const who = FIELD_WORDS[field]?.[l] ?? (l === 'zh' ? `字段 ${m[1]}` : `The field ${m[1]}`);
  const rule = m[2]!;
  if (/fewer than 1 characters|must have required property/.test(rule)) return l === 'zh' ? `${who}为空：请填写。` : `${who} is empty: fill it in.`;
  if (/must match pattern/.test(rule)) return l === 'zh' ? `${who}格式不对（${rule}）。` : `${who} has the wrong form (${rule}).`;
  if (/must NOT have more than/.test(rule)) return l === 'zh' ? `${who}太长。` : `${who} is too long.`;
  return `${who}: ${rule}`;
}
