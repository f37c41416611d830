/**
 * socket_status codes (docs/vendors/mindcraft.md#status-codes: Mindcraft's client code, annotated from the demo and the apifox page).
 * `fatal` statuses end the session: the socket is no use after them (auth, balance, connection failures).
 */
export type Severity = 'info' | 'warn' | 'error';

export interface StatusInfo {
  code: number;
  name: string;
  severity: Severity;
  meaning: { en: string; zh: string };
  fatal?: boolean;
}

const S = (code: number, name: string, severity: Severity, en: string, zh: string, fatal?: boolean): StatusInfo => ({
  code,
  name,
  severity,
  meaning: { en, zh },
  ...(fatal ? { fatal } : {}),
});

export const SOCKET_STATUSES: readonly StatusInfo[] = [
  S(0, 'program_error', 'error', 'program error', '程序错误'),
  S(1001, 'connection_established', 'info', 'connection established', '连接建立'),
  S(1002, 'agent_reply', 'info', 'agent reply content', '智能体回复内容'),
  S(1003, 'request_completed', 'info', 'request succeeded (agent_output at top level)', '请求成功'),
  S(1004, 'operation_complete', 'info', 'operation complete (ASR text in socket_data.text)', '操作完成'),
  S(1005, 'asr_stopped', 'info', 'stopped realtime recognition', '停止实时识别'),
  S(1006, 'agent_stop', 'info', 'agent stopped (end of answer)', '智能体停止'),
  S(1007, 'agent_return', 'info', 'agent return value (socket_data.agent_output)', '智能体返回值'),
  S(1008, 'connected_with_token', 'info', 'connected with token (connection success)', '携带token 建立成功'),
  S(2001, 'auth_failed', 'error', 'authentication failed', '认证失败', true),
  S(2002, 'auth_succeeded', 'info', 'authentication succeeded', '认证成功'),
  // result.js says "auth request timed out"; the demo shows it as "apikey 错误" (wrong API key).
  S(2003, 'auth_timeout', 'error', 'auth request timed out (the demo reports: wrong API key)', '认证请求超时(demo: apikey 错误)', true),
  // result.js: "no auth info provided"; apifox: the token is invalid or expired, fetch a new one and reconnect.
  S(2004, 'auth_missing', 'error', 'no auth info, or the token is invalid/expired', '未提供认证信息 / token 无效或过期', true),
  S(3001, 'param_error', 'error', 'parameter error (also: no recognisable speech)', '参数错误'),
  S(3002, 'balance_insufficient', 'error', 'balance insufficient', '积分不足', true),
  S(3003, 'param_json_error', 'error', 'parameter JSON parse failure', '参数 JSON 解析失败'),
  S(4001, 'server_error', 'error', 'unknown server error', '未知服务错误'),
  S(4002, 'service_unavailable', 'error', 'service temporarily unavailable', '服务暂不可用'),
  S(4006, 'agent_stopped_error', 'error', 'agent stopped (error, see socket_data.message)', '智能体停止(错误)'),
  S(4008, 'agent_stopped_error', 'error', 'agent stopped (error)', '智能体停止(错误)'),
  S(5001, 'connect_failed', 'error', 'connect failed', '连接失败', true),
  S(5002, 'connect_timeout', 'error', 'connect timed out', '连接超时', true),
  S(5003, 'connect_refused', 'error', 'connection refused', '连接被拒绝', true),
  S(5004, 'socket_disconnected', 'error', 'socket disconnected', 'socket 断开', true),
];

const BY_CODE = new Map(SOCKET_STATUSES.map((s) => [s.code, s]));

/** Every status has a name and severity in the log; codes outside the table are shown as unknown warnings. */
export function statusInfo(code: number | undefined): StatusInfo {
  if (code === undefined)
    return { code: -1, name: 'no_status', severity: 'warn', meaning: { en: 'message without socket_status', zh: '消息缺少 socket_status' } };
  return (
    BY_CODE.get(code) ?? {
      code,
      name: `unknown_${code}`,
      severity: code >= 2000 ? 'error' : 'warn',
      meaning: { en: 'status not in the documented table', zh: '未在文档表中的状态码' },
    }
  );
}
