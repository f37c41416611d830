import type {
  InspectContext,
  OperationDescriptor,
  OperationOutcome,
  RequestInspection,
  RoomJoinContext,
  RoomJoinInfo,
  SessionContext,
  VendorDescriptor,
  VendorError,
} from '../types.ts';
import { STANDARD_METRICS, type MetricData } from '../../events.ts';
import type { JsonSchema } from '../../schema.ts';
import { CHECKSUM_VALIDITY_S, clockSkewSeconds, lastSkew, rememberSkew, skewWarning } from './checksum.ts';
import {
  baseUrlFor,
  buildTaskRequest,
  parseTaskResponse,
  taskSummary,
  variantOf,
  vendorError,
  wireBody,
  type ParsedTaskResponse,
  type TaskCall,
  type TaskResult,
  type Variant,
} from './client.ts';
import { CLOSE_EXAMPLE, MODE_EXAMPLES, closeSchema, createMode, createSchema, vendorNumberLabels } from './common/schema.ts';
import { PAYLOAD_RULES, closeBodyFindings, createBodyFindings } from './common/rules.ts';
import { composePrompt } from './common/prompt.ts';
import { defaultSettings, settingsSchema } from './settings.ts';
import { SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_TOKEN, mountNeteaseSandbox } from './sandbox.ts';

type ActionHandler = (data: unknown) => Promise<unknown> | unknown;

/** One onAction handler per session, dispatching by action id, so actions can be added as the session goes on. */
function actionTable(ctx: SessionContext): Map<string, ActionHandler> {
  const table = new Map<string, ActionHandler>();
  ctx.onAction((action, data) => {
    const handler = table.get(action);
    if (!handler) throw new Error(`netease ${ctx.operation}: action "${action}" is not available now (available: ${[...table.keys()].join(', ') || 'none'})`);
    return handler(data);
  });
  return table;
}

function settingString(settings: Record<string, unknown>, key: string, fallback = ''): string {
  const v = settings[key];
  return typeof v === 'string' ? v : fallback;
}

/** Sign (server) or authorise (client) one task call, send it, record skew and return the parsed answer. */
async function callTask(
  ctx: SessionContext,
  call: TaskCall,
  variant: Variant,
  body: Record<string, unknown>,
): Promise<ParsedTaskResponse & { durationMs: number }> {
  const appKey = await ctx.credential('APP_KEY');
  const auth =
    variant === 'server'
      ? { appKey, appSecret: await ctx.credential('APP_SECRET') }
      : { appKey, token: await ctx.credential('TOKEN'), uid: settingString(ctx.profile.settings, 'uid') };
  const base = baseUrlFor(ctx.sandboxUrl, ctx.profile.settings);
  const built = buildTaskRequest(call, variant, base, body, auth);
  // The CheckSum is a bearer credential for 5 minutes: redacted like the secret it comes from.
  if (built.signing) ctx.addSecret(built.signing.checkSum);
  const exchange = await ctx.http({ ...built.spec, timeoutMs: ctx.timeouts.responseMs });
  const skew = clockSkewSeconds(exchange.headers.date, Date.now() - exchange.durationMs / 2);
  rememberSkew(new URL(base).origin, skew);
  const warning = variant === 'server' ? skewWarning(skew ?? undefined, new URL(base).host) : null;
  if (warning) ctx.emit({ kind: 'netease.clock-skew', dir: 'local', summary: warning, data: { skewSeconds: skew, validitySeconds: CHECKSUM_VALIDITY_S } });
  const parsed = parseTaskResponse(exchange, variant, String(body.cname ?? ''));
  if (!parsed.ok && (parsed.error.code === '402' || parsed.error.code === '414') && warning) parsed.error.message += ` (${warning})`;
  return { ...parsed, durationMs: exchange.durationMs };
}

function failed(ctx: SessionContext, error: VendorError): OperationOutcome {
  ctx.fail(error);
  return { ok: false, summary: `${error.code}: ${error.message}`, error };
}

function resultView(r: TaskResult): Record<string, unknown> {
  return { variant: r.variant, cname: r.cname, code: r.code, requestId: r.requestId, cid: r.cid, taskId: r.taskId, response: r.response };
}

async function closeInSession(ctx: SessionContext, variant: Variant, body: Record<string, unknown>): Promise<OperationOutcome> {
  const parsed = await callTask(ctx, 'close', variant, body);
  if (!parsed.ok) return failed(ctx, parsed.error);
  const summary = taskSummary('close', parsed.result);
  ctx.emit({ kind: 'netease.task-closed', dir: 'in', summary, data: { ...resultView(parsed.result), taskId: parsed.result.taskId ?? body.taskId } });
  return { ok: true, summary, result: { ...resultView(parsed.result), taskId: parsed.result.taskId ?? body.taskId } };
}

/** Wait for the renderer to report `joined` (client API flow); rejects on timeout, resolves null when stopped. */
function waitForJoin(ctx: SessionContext, actions: Map<string, ActionHandler>, cname: string): Promise<unknown> {
  const timeoutMs = ctx.timeouts.idleMs;
  ctx.emit({
    kind: 'room.awaiting-join',
    dir: 'local',
    summary: `client API: join room ${cname} first; create is sent once the join resolves (waiting up to ${Math.round(timeoutMs / 1000)} s)`,
    data: { cname, uid: settingString(ctx.profile.settings, 'uid'), timeoutMs },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          vendorError(
            'JOIN_TIMEOUT',
            `client API: the console did not join room ${cname} within ${Math.round(timeoutMs / 1000)} s, so create was not sent (the vendor answers "房间不存在" otherwise)`,
          ),
        ),
      timeoutMs,
    );
    ctx.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(null)), { once: true });
    actions.set('joined', (data) => {
      clearTimeout(timer);
      actions.delete('joined');
      resolve(data ?? {});
      return { ok: true };
    });
  });
}

function inspectionSteps(call: TaskCall, variant: Variant, payload: Record<string, unknown>, settings: Record<string, unknown>): RequestInspection['steps'] {
  const steps: RequestInspection['steps'] = [];
  if (call === 'create') {
    const data = payload.data as Record<string, unknown> | undefined;
    steps.push({ label: 'Mode', value: createMode(data) ?? 'unknown (data matches none of the three modes)' });
    const labels = vendorNumberLabels(settings);
    const parts = {
      asrVendor: (data?.asr as Record<string, unknown>)?.asrVendor,
      llmVendor: (data?.llm as Record<string, unknown>)?.llmVendor,
      ttsVendor: (data?.tts as Record<string, unknown>)?.ttsVendor,
      interruptMode: (data?.pipeline as Record<string, unknown>)?.interruptMode,
    };
    for (const [field, n] of Object.entries(parts)) {
      if (typeof n !== 'number') continue;
      steps.push({ label: field, value: labels[field as keyof typeof labels][String(n)] ?? `${n} (no label: name it in the profile's vendorLabels)` });
    }
    const llm = data?.llm as Record<string, unknown> | undefined;
    if (llm && typeof llm.customPromptFormat === 'string') {
      const composed = composePrompt(llm.customPromptKeyWord as Record<string, unknown> | undefined, llm.customPromptFormat);
      steps.push({
        label: 'Composed prompt (preview)',
        value: composed.text + (composed.missing.length ? `\n[no value for: ${composed.missing.join(', ')}]` : ''),
      });
    }
  }
  steps.push({
    label: 'Variant',
    value:
      variant === 'server'
        ? 'server API: AppKey + Nonce + CurTime + CheckSum headers'
        : 'client API: AppKey + Token + Cname + Uid headers (after the room join resolves)',
  });
  return steps;
}

async function inspectTask(call: TaskCall, schema: JsonSchema, ctx: InspectContext): Promise<RequestInspection> {
  const variant = variantOf(ctx.payload, ctx.profile.settings);
  const body = wireBody(schema, ctx.payload);
  const base = baseUrlFor(ctx.sandboxUrl, ctx.profile.settings);
  const appKey = await ctx.credential('APP_KEY');
  const nowMs = ctx.now();
  const warnings: string[] = (call === 'create' ? createBodyFindings(ctx.payload) : closeBodyFindings(ctx.payload)).map((e) => e.message);
  const steps = inspectionSteps(call, variant, ctx.payload, ctx.profile.settings);
  if (variant === 'server') {
    const secret = await ctx.credential('APP_SECRET');
    const built = buildTaskRequest(call, variant, base, body, { appKey, appSecret: secret, nowMs });
    const s = built.signing!;
    const until = new Date((Number(s.curTime) + CHECKSUM_VALIDITY_S) * 1000).toISOString();
    steps.push(
      { label: 'CheckSum input', value: `AppSecret (${ctx.mask(secret)}) + Nonce "${s.nonce}" + CurTime "${s.curTime}"` },
      { label: 'CheckSum = sha1(input), lowercase hex', value: ctx.mask(s.checkSum) },
      { label: 'CurTime', value: `${s.curTime} = ${new Date(Number(s.curTime) * 1000).toISOString()}; valid until ${until} (5 minutes)` },
    );
    const skew = skewWarning(lastSkew(new URL(base).origin), new URL(base).host);
    if (skew) warnings.push(skew);
    return { method: 'POST', url: built.spec.url, headers: { ...built.spec.headers, CheckSum: ctx.mask(s.checkSum) }, body: built.spec.body, steps, warnings };
  }
  const token = await ctx.credential('TOKEN').catch(() => '');
  if (!token) warnings.push('TOKEN is not set in this profile: the client API needs the NERTC room token');
  const built = buildTaskRequest(call, variant, base, body, { appKey, token: token || 'unset', uid: settingString(ctx.profile.settings, 'uid') });
  if (call === 'create') warnings.push('client API: the console joins the room first and sends create only after the join resolves');
  return {
    method: 'POST',
    url: built.spec.url,
    headers: { ...built.spec.headers, Token: token ? ctx.mask(token) : '(not set)' },
    body: built.spec.body,
    steps,
    warnings,
  };
}

/** Create sessions whose task was closed with their "close" action: their stop has nothing left to close. */
const closedInSession = new Set<string>();

const create: OperationDescriptor = {
  id: 'create',
  title: { en: 'Create realtime conversation task', zh: '开启实时对话任务' },
  description: {
    en: 'POST task/create (server API with CheckSum, or client API with the room Token after joining), then join the NERTC room, hear the bot, talk and see captions.',
    zh: '调用 task/create (服务端 API 使用 CheckSum,或加入房间后使用房间 Token 的客户端 API),然后加入 NERTC 房间,收听机器人、说话并查看字幕。',
  },
  transport: 'room',
  schema: createSchema,
  example: MODE_EXAMPLES.parameters,
  validate: PAYLOAD_RULES.create,
  actions: [
    { id: 'joined', title: { en: 'The console joined the room (client API: create goes out now)', zh: '控制台已进房(客户端 API:现在发送创建)' } },
    { id: 'close', title: { en: 'Close the task now', zh: '立即停止任务' } },
  ],

  async run(ctx) {
    const actions = actionTable(ctx);
    const variant = variantOf(ctx.resolvedPayloadWithSecrets, ctx.profile.settings);
    const body = wireBody(createSchema, ctx.resolvedPayloadWithSecrets);
    const cname = String(body.cname);
    if (variant === 'client') {
      const joined = await waitForJoin(ctx, actions, cname);
      if (joined === null) return { ok: false, summary: 'stopped before the room was joined: create was not sent' };
    }
    const parsed = await callTask(ctx, 'create', variant, body);
    const metric: MetricData = { name: STANDARD_METRICS.setup, value: Math.round(parsed.durationMs * 10) / 10, unit: 'ms', source: 'measured' };
    ctx.emit({ kind: 'metric', dir: 'local', summary: `create latency ${Math.round(parsed.durationMs)} ms`, data: metric });
    if (!parsed.ok) return failed(ctx, parsed.error);
    const r = parsed.result;
    const summary = taskSummary('create', r);
    ctx.emit({ kind: 'netease.task-created', dir: 'in', summary, data: { ...resultView(r), mode: createMode(body.data) } });
    if (r.taskId)
      actions.set('close', async () => {
        const closed = await closeInSession(ctx, variant, { cname, taskId: r.taskId, taskType: 7 });
        if (closed.ok) closedInSession.add(ctx.sessionId);
        return closed;
      });
    return { ok: true, summary, result: resultView(r) };
  },

  async closeTask(ctx, result) {
    const r = result as Partial<TaskResult> | undefined;
    if (!r?.taskId) return { ok: false, summary: 'task/create returned no taskId: nothing to close' };
    // Closed already with the session's own "close" action: nothing is left to end.
    if (closedInSession.delete(ctx.sessionId)) return { ok: true, summary: `task ${r.taskId} was already closed in this session` };
    return closeInSession(ctx, variantOf(ctx.resolvedPayloadWithSecrets, ctx.profile.settings), {
      cname: r.cname ?? ctx.resolvedPayloadWithSecrets.cname,
      taskId: r.taskId,
      taskType: 7,
    });
  },

  perRunIds(payload, runId) {
    if (typeof payload.cname !== 'string' || !payload.cname) return { payload, changed: [] };
    // Room names may be 256 characters: keep the suffix whole.
    const to = `${payload.cname.slice(0, 256 - runId.length - 1)}-${runId}`;
    return { payload: { ...payload, cname: to }, changed: [{ path: '/cname', from: payload.cname, to }] };
  },

  inspect: (ctx) => inspectTask('create', createSchema, ctx),
};

const close: OperationDescriptor = {
  id: 'close',
  title: { en: 'Close realtime conversation task', zh: '停止实时对话任务' },
  description: { en: 'POST task/close with the cname and taskId a create returned.', zh: '使用创建任务返回的 cname 和 taskId 调用 task/close。' },
  transport: 'http',
  schema: closeSchema,
  example: CLOSE_EXAMPLE,
  run: (ctx) => closeInSession(ctx, variantOf(ctx.resolvedPayloadWithSecrets, ctx.profile.settings), wireBody(closeSchema, ctx.resolvedPayloadWithSecrets)),
  inspect: (ctx) => inspectTask('close', closeSchema, ctx),
};

/** What the console joins a NERTC room with. `token` is empty for an app in NERTC debug (non-secure) mode. */
export interface NeteaseJoinParams {
  appkey: string;
  channelName: string;
  uid: string;
  token: string;
  variant: Variant;
  taskId?: string;
  botUid: string;
  captionLanguage: string;
  /** A sandbox profile's room: the loopback sandbox room service (the room frame then uses the sandbox SDK). */
  sandboxRoom?: string;
}

/** NERTC join parameters: appkey, the task's room, the console's uid and the room token from the keychain. */
export async function neteaseRoomJoin(ctx: RoomJoinContext): Promise<RoomJoinInfo<'netease', NeteaseJoinParams>> {
  const appkey = await ctx.credential('APP_KEY');
  const token = await ctx.credential('TOKEN').catch(() => '');
  const settings = ctx.profile.settings;
  const result = ctx.result as Partial<TaskResult> | undefined;
  const channelName = typeof ctx.payload.cname === 'string' ? ctx.payload.cname : result?.cname;
  if (!channelName) throw new Error('room.join: the NetEase session has no cname to join');
  return {
    vendor: 'netease',
    params: {
      appkey,
      channelName,
      uid: settingString(settings, 'uid', '10001'),
      // Without a token the join only works for apps in NERTC debug (non-secure) mode.
      token,
      variant: variantOf(ctx.payload, settings),
      taskId: result?.taskId,
      botUid: settingString(settings, 'botUid'),
      captionLanguage: settingString(settings, 'captionLanguage', 'AUTO'),
      // A sandbox profile's room is the sandbox room service; the room frame then uses the sandbox NERTC.
      ...(ctx.sandboxUrl ? { sandboxRoom: ctx.sandboxUrl } : {}),
    },
    sensitive: token ? [token] : [],
  };
}

/**
 * nertc-web-sdk 5.8 (read from its sources in node_modules): lbs on wecan-lbs.netease.im / wecan-lbs.yunxinvcloud.com /
 * lbs-overseas.yunxinvcloud.com, room server on roomserver.netease.im / wecan-sdk.yunxinvcloud.com /
 * call-overseas.yunxinvcloud.com, nrtc.netease.im / wecan-gw.yunxinvcloud.com / nrtc-overseas.yunxinvcloud.com, cloud
 * proxy on ap-prd-jd.netease.im / supervisor-overseas.yunxinvcloud.com; signalling on the wss host the room server
 * hands out. Its event reports go to statistic.live.126.net / apm.yunxinhi.com (statistic-overseas.yunxinfw.com
 * overseas): NetEase's own servers, allowed like Tencent's. The SDK evaluates strings (its bundled regenerator and
 * protobuf runtimes build functions with Function(), and it probes for require() with eval): without 'unsafe-eval' the
 * join throws EvalError. Its getAudioLevel meter is an AudioWorklet loaded from a blob: URL.
 */
const NERTC_ROOM = {
  sdk: 'nertc',
  connectSources: [
    'https://wecan-lbs.netease.im',
    'https://roomserver.netease.im',
    'https://nrtc.netease.im',
    'https://ap-prd-jd.netease.im',
    'https://*.yunxinvcloud.com',
    'wss://*.netease.im',
    'wss://*.yunxinvcloud.com',
    'https://statistic.live.126.net',
    'wss://statistic.live.126.net',
    'https://apm.yunxinhi.com',
    'https://statistic-overseas.yunxinfw.com',
  ],
  evalScripts: true,
  blobScripts: true,
} as const;

export const netease = {
  id: 'netease',
  title: { en: 'NetEase Yunxin RTC-AI', zh: '网易云信 RTC-AI' },
  color: '#e8785a',
  docsHosts: ['doc.yunxin.163.com', 'yunxin.163.com'],
  credentials: [
    {
      name: 'APP_KEY',
      label: { en: 'AppKey', zh: 'AppKey' },
      secret: false,
      description: { en: 'Application key from the Yunxin console (AppKey header; NERTC appkey).', zh: '网易云信控制台中的 AppKey。' },
    },
    {
      name: 'APP_SECRET',
      label: { en: 'AppSecret', zh: 'AppSecret' },
      secret: true,
      description: { en: 'Signs server-API calls: CheckSum = sha1(AppSecret + Nonce + CurTime).', zh: '用于服务端 API 的 CheckSum 签名。' },
    },
    {
      name: 'TOKEN',
      label: { en: 'Room token', zh: '房间 Token' },
      secret: true,
      description: {
        en: 'NERTC room token issued for the profile uid and the room: client-API Token header and room join.',
        zh: '为配置中的 uid 和房间签发的 NERTC Token,用于客户端 API 和加入房间。',
      },
    },
  ],
  settingsSchema,
  defaultSettings,
  operations: [create, close],
  mountSandbox: (host) => void mountNeteaseSandbox(host),
  sandboxCredentials: { APP_KEY: SANDBOX_APP_KEY, APP_SECRET: SANDBOX_APP_SECRET, TOKEN: SANDBOX_TOKEN },
  room: NERTC_ROOM,
  roomJoin: neteaseRoomJoin,
  voiceTurns: { via: 'agent' },
  cli: async () => (await import('./cli.ts')).neteaseCommands,
} satisfies VendorDescriptor<'netease'>;
