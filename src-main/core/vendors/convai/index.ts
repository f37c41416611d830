import type {
  InspectContext,
  OperationDescriptor,
  OperationOutcome,
  RequestInspection,
  RoomJoinContext,
  RoomJoinInfo,
  SessionContext,
  VendorDescriptor,
} from '../types.ts';
import type { MetricData } from '../../events.ts';
import { STANDARD_METRICS } from '../../events.ts';
import { connectExample, connectSchema, defaultSettings, roundChunkDuration, settingsSchema, validateConnect, PAYLOAD_RULES } from './common/schema.ts';
import { baseUrlFor, buildConnectRequest, connectSummary, parseConnectResponse, type ConnectResult } from './client.ts';
import { mountConvaiSandbox, SANDBOX_API_KEY } from './sandbox.ts';
import { roomBaseUrl } from '../../sandbox/rooms/wire.ts';
import { findLiveKitServer } from '../../livekit/server.ts';

const connect: OperationDescriptor = {
  id: 'connect',
  title: { en: 'Connect to a character', zh: '连接到角色' },
  description: {
    en: 'POST /connect creates a live session and returns LiveKit room credentials; the console then joins the room, plays the character and logs every data-channel message.',
    zh: 'POST /connect 创建实时会话并返回 LiveKit 房间凭据；控制台随后加入房间、播放角色音频并记录每条数据通道消息。',
  },
  transport: 'room',
  schema: connectSchema,
  example: connectExample,
  validate: PAYLOAD_RULES.connect,

  async run(ctx: SessionContext): Promise<OperationOutcome> {
    const apiKey = await ctx.credential('API_KEY');
    const request = buildConnectRequest(baseUrlFor(ctx.sandboxUrl, ctx.profile.settings), apiKey, ctx.resolvedPayloadWithSecrets);
    const exchange = await ctx.http({ ...request, timeoutMs: ctx.timeouts.connectMs });
    const metric: MetricData = { name: STANDARD_METRICS.setup, value: Math.round(exchange.durationMs * 10) / 10, unit: 'ms', source: 'measured' };
    ctx.emit({ kind: 'metric', dir: 'local', summary: `connect call ${Math.round(exchange.durationMs)} ms`, data: metric });

    const parsed = parseConnectResponse(exchange);
    if (!parsed.ok) {
      ctx.fail(parsed.error);
      return { ok: false, summary: `${parsed.error.code}: ${parsed.error.message}`, error: parsed.error };
    }
    // The LiveKit token is a bearer credential for the room: redacted from every event and record.
    ctx.addSecret(parsed.result.token);
    ctx.emit({ kind: 'convai.connected', dir: 'in', summary: connectSummary(parsed.result), data: { ...parsed.result, requestId: parsed.requestId } });
    return { ok: true, summary: connectSummary(parsed.result), result: parsed.result };
  },

  async inspect(ctx: InspectContext): Promise<RequestInspection> {
    const apiKey = await ctx.credential('API_KEY');
    const spec = buildConnectRequest(baseUrlFor(ctx.sandboxUrl, ctx.profile.settings), apiKey, ctx.payload);
    const headers = { ...spec.headers, 'X-API-Key': ctx.mask(apiKey) };
    const warnings: string[] = validateConnect(ctx.payload).map((e) => e.message);
    const steps: RequestInspection['steps'] = [{ label: 'Auth', value: 'X-API-Key header (no signature)' }];
    const chunk = (ctx.payload.audio_config as { output?: { max_chunk_duration_ms?: unknown } } | undefined)?.output?.max_chunk_duration_ms;
    if (typeof chunk === 'number') {
      const rounded = roundChunkDuration(chunk);
      steps.push({
        label: 'max_chunk_duration_ms',
        value: rounded === chunk ? `${chunk} ms` : `${chunk} ms, Convai rounds it to the nearest 10 ms: ${rounded} ms`,
      });
    }
    if (ctx.payload.character_session_id)
      steps.push({ label: 'Conversation', value: `continues character session ${String(ctx.payload.character_session_id)}` });
    else steps.push({ label: 'Conversation', value: 'new (no character_session_id): no previous context' });
    return { method: spec.method, url: spec.url, headers, body: spec.body as string, steps, warnings };
  },
};

/** What the console joins a Convai LiveKit room with. */
export interface ConvaiJoinParams {
  url: string;
  token: string;
  roomName?: string;
  sessionId?: string;
  characterSessionId?: string;
  iceTransportPolicy: 'relay' | 'all';
  /** The sandbox's loopback room (no livekit-server here): the room frame then uses the sandbox livekit-client. */
  sandboxRoom?: string;
}

/** LiveKit join parameters from the connect result. The token is the one Convai minted for this session. */
export async function convaiRoomJoin(ctx: RoomJoinContext): Promise<RoomJoinInfo<'convai', ConvaiJoinParams>> {
  const r = ctx.result as Partial<ConnectResult> | undefined;
  if (!r || typeof r.room_url !== 'string' || typeof r.token !== 'string')
    throw new Error('room.join: this Convai session has no connect result with room_url and token (did /connect succeed?)');
  // The sandbox room is a livekit-server on loopback without a TURN server (LiveKit's embedded TURN does not relay
  // between loopback peers), so sandbox joins use every candidate; live joins do as the profile says.
  const policy = ctx.profile.target === 'sandbox' || ctx.profile.settings.ice_transport_policy === 'all' ? 'all' : 'relay';
  return {
    vendor: 'convai',
    params: {
      url: r.room_url,
      token: r.token,
      roomName: r.room_name,
      sessionId: r.session_id,
      characterSessionId: r.character_session_id,
      iceTransportPolicy: policy,
      ...(ctx.sandboxUrl && r.room_url === roomBaseUrl(ctx.sandboxUrl) ? { sandboxRoom: ctx.sandboxUrl } : {}),
    },
    sensitive: [r.token],
  };
}

/**
 * livekit-client: `/connect` answers with a `room_url` on LiveKit Cloud (`wss://<project>.livekit.cloud`); the SDK
 * also calls `https://<project>.livekit.cloud/settings/regions` and `/rtc/validate` over https.
 */
const LIVEKIT_ROOM = { sdk: 'livekit', connectSources: ['wss://*.livekit.cloud', 'https://*.livekit.cloud'] } as const;

export const convai = {
  id: 'convai',
  title: { en: 'Convai Connect', zh: 'Convai 实时连接' },
  color: '#f08ad0',
  // LiveKit's documentation too: the SDK Convai rooms use.
  docsHosts: ['docs.convai.com', 'convai.com', 'www.convai.com', 'docs.livekit.io'],
  credentials: [
    {
      name: 'API_KEY',
      label: { en: 'API key', zh: 'API 密钥' },
      secret: true,
      description: { en: 'Sent as the X-API-Key header of /connect.', zh: '作为 /connect 的 X-API-Key 请求头发送。' },
    },
  ],
  settingsSchema,
  defaultSettings,
  operations: [connect],
  mountSandbox: (host) => mountConvaiSandbox(host, connect),
  sandboxCredentials: { API_KEY: SANDBOX_API_KEY },
  room: LIVEKIT_ROOM,
  roomJoin: convaiRoomJoin,
  // Its room joined headless in core (@livekit/rtc-node); a text turn goes as user_text_message.
  voiceTurns: {
    via: 'core',
    open: async (...args) => (await import('./livekit-turn.ts')).openConvaiConversation(...args),
    text: true,
    // The sandbox without livekit-server hands out the loopback sandbox room, which only the turn agent joins.
    usesAgent: (target) => target === 'sandbox' && !findLiveKitServer().found,
  },
  cli: async () => (await import('./cli.ts')).convaiCommands,
} satisfies VendorDescriptor<'convai'>;
