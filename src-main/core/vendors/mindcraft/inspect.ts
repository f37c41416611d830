import type { InspectContext, RequestInspection } from '../types.ts';
import { clientMessages, socketUrl } from './protocol.ts';
import { AUTH_METHODS, readSettings } from './common/schema.ts';
import { sandboxSocketUrl } from './session.ts';

/** What the session will put on the wire, in order, with the credential masked (nothing is signed here). */
export async function inspectChatBot(ctx: InspectContext): Promise<RequestInspection> {
  const settings = readSettings(ctx.profile.settings);
  const endpoint = ctx.sandboxUrl ? sandboxSocketUrl(ctx.sandboxUrl) : settings.endpoint;
  const method = settings.authMethod;
  const auth = AUTH_METHODS[method];
  const warnings: string[] = [];
  let masked = '«not set»';
  try {
    masked = ctx.mask(await ctx.credential(auth.credential));
  } catch {
    warnings.push(`${auth.credential} is not set for this profile`);
  }
  if (!auth.documented)
    warnings.push(
      `authentication by ${auth.label} is seen in Mindcraft's own clients but not in the document (inferred); the documented form is the Authorization: Bearer header`,
    );
  const url = socketUrl(endpoint, settings.query, method === 'device_token' ? masked : undefined);
  const headers: Record<string, string> = method === 'api_key' ? { Authorization: `Bearer ${masked}` } : {};
  const p = ctx.payload;
  const start = clientMessages.start(p);
  if (typeof p.character_uuid === 'string' && p.character_uuid && p.voice_id) warnings.push("voice_id is ignored: character_uuid picks the character's voice");
  if (p.upload_format !== undefined && p.upload_format !== 'pcm' && p.upload_format !== 'wav')
    warnings.push(`upload_format ${String(p.upload_format)}: Parley uploads pcm or wav only, so only text turns will work`);
  const json = (v: unknown) => JSON.stringify(v);
  const steps = [
    { label: '1. open WebSocket', value: method === 'api_key' ? `${url}\nAuthorization: Bearer ${masked}` : url },
    ...(method === 'api_key_message' ? [{ label: '2. auth (first message)', value: json(clientMessages.authToken(masked)) }] : []),
    { label: `${method === 'api_key_message' ? 3 : 2}. start chat_bot_v3${typeof p.asr_text === 'string' ? ' (text turn)' : ''}`, value: json(start) },
    ...(typeof p.asr_text === 'string'
      ? []
      : [
          { label: 'speech', value: `binary frames: PCM s16le mono at ${String(p.upload_sample_rate ?? 16000)} Hz, 20 ms each` },
          { label: 'stop upload', value: json(clientMessages.stopUpload(settings.stopUploadMessage)) },
        ]),
    { label: 'interrupt', value: json(clientMessages.stopOutput()) },
  ];
  const messages = [...(method === 'api_key_message' ? [json(clientMessages.authToken(masked))] : []), json(start)];
  return { method: 'WEBSOCKET', url, headers, body: JSON.stringify(start, null, 2), steps, warnings, messages };
}
