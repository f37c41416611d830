import { DEFAULT_USERSIG_EXPIRE_S, genUserSig } from './usersig.ts';

/**
 * `AgentConfig.UserSig` may hold this template instead of a literal: core mints the bot's UserSig from the
 * profile's SDK_SECRET_KEY at send time. A payload, a case file or a session record then never carries a 180-day
 * credential, and "run again" / comparisons keep working after the record redacted literal UserSigs.
 */
export const USERSIG_TEMPLATE = '{{usersig}}';

export function isUserSigTemplate(value: unknown): boolean {
  return typeof value === 'string' && /^\{\{\s*usersig\s*\}\}$/i.test(value);
}

/** The payload with a templated AgentConfig.UserSig replaced by a UserSig minted for AgentConfig.UserId and SdkAppId. */
export async function fillUserSigTemplate(
  payload: Record<string, unknown>,
  credential: (name: string) => Promise<string>,
  onMinted: (userSig: string) => void = () => undefined,
): Promise<Record<string, unknown>> {
  const agent = payload.AgentConfig as Record<string, unknown> | undefined;
  if (!agent || !isUserSigTemplate(agent.UserSig)) return payload;
  const sdkAppId = Number(payload.SdkAppId);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0)
    throw Object.assign(new Error(`/SdkAppId: a positive integer is needed to mint AgentConfig.UserSig from ${USERSIG_TEMPLATE}`), {
      code: 'PAYLOAD',
      field: '/SdkAppId',
    });
  if (typeof agent.UserId !== 'string' || !agent.UserId)
    throw Object.assign(new Error(`/AgentConfig/UserId: needed to mint AgentConfig.UserSig from ${USERSIG_TEMPLATE}`), {
      code: 'PAYLOAD',
      field: '/AgentConfig/UserId',
    });
  const userSig = genUserSig({ sdkAppId, userId: agent.UserId, secretKey: await credential('SDK_SECRET_KEY'), expireSeconds: DEFAULT_USERSIG_EXPIRE_S });
  onMinted(userSig);
  return { ...payload, AgentConfig: { ...agent, UserSig: userSig } };
}
