/**
 * Copy as code: curl, Node (fetch) and Python (requests) for the exact request an operation's inspect() built.
 * Secrets never appear: a header or body value that is a credential (its value or its masked form) becomes an
 * environment-variable placeholder (`$PARLEY_TENCENT_SECRET_KEY`, `process.env…`, `os.environ[…]`, the same
 * variables the CLI reads), and a credential-named header holding anything else (an HMAC signature, a checksum,
 * a token minted from a key) is marked "to be computed at run time", as Tencent's API Explorer does.
 */
import type { RequestInspection } from '../vendors/types.ts';
import { REDACTED, isCredentialKey } from '../secrets/redact.ts';

export interface SnippetCredential {
  /** Environment variable, e.g. PARLEY_TENCENT_SECRET_KEY. */
  env: string;
  /** Credential name, as payloads reference it: `{{secret:NAME}}` in the request becomes the variable. */
  name?: string;
  /** The stored value, and what inspect() shows instead of it; both are replaced. Never emitted. */
  value?: string;
  masked?: string;
}

export interface Snippets {
  /** HTTP requests only: curl has no way to hold a WebSocket conversation. */
  curl: string | null;
  /** Node: fetch for HTTP, the `ws` package for sockets. */
  node: string;
  /** Python: requests for HTTP, the `websockets` package for sockets. */
  python: string;
  transport: 'http' | 'websocket';
  /** Placeholders the user must provide, in order of appearance. */
  variables: string[];
  /** Headers whose value is computed from a secret at run time. */
  computed: string[];
}

type Part = { text: string } | { env: string };
type Value = Part[];

const MASK_CHAR = '••••';
const REFERENCE = /\{\{\s*secret:([A-Za-z0-9_.-]+)\s*\}\}/g;
/** A credential-named field whose value core redacted (a UserSig minted from the {{usersig}} template): `"UserSig":"«redacted»"`, also JSON-escaped. */
const REDACTED_FIELD = new RegExp(`(\\\\?"([A-Za-z0-9_-]+)\\\\?"\\s*:\\s*\\\\?")${REDACTED}`, 'g');

export function buildSnippets(inspection: RequestInspection, credentials: SnippetCredential[], vendorPrefix: string): Snippets {
  const variables: string[] = [];
  const computed: string[] = [];
  const use = (env: string) => {
    if (!variables.includes(env)) variables.push(env);
    return { env };
  };
  const needles = credentials
    .flatMap((c) => [c.value, c.masked].filter((v): v is string => !!v && v.length >= 4).map((v) => ({ v, env: c.env })))
    .sort((a, b) => b.v.length - a.v.length);

  const envOf = new Map(credentials.filter((c) => c.name).map((c) => [c.name!, c.env]));
  /** Split a string into literal text and env placeholders wherever a credential, its mask or a reference occurs. */
  const split = (s: string): Value => {
    let parts: Value = [];
    let at = 0;
    for (const m of s.matchAll(REFERENCE)) {
      const env = envOf.get(m[1]!) ?? `${vendorPrefix}_${m[1]!.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
      parts.push({ text: s.slice(at, m.index) }, { env });
      at = m.index! + m[0].length;
    }
    parts.push({ text: s.slice(at) });
    for (const n of needles) {
      parts = parts.flatMap((p) => {
        if (!('text' in p) || !p.text.includes(n.v)) return [p];
        const pieces = p.text.split(n.v);
        return pieces.flatMap((t, i) => (i === 0 ? [{ text: t }] : [{ env: n.env }, { text: t }]));
      });
    }
    return parts.filter((p) => !('text' in p) || p.text !== '');
  };

  const headers: [string, Value][] = Object.entries(inspection.headers).map(([k, v]) => {
    const parts = split(v);
    // The credential itself, or the credential after an auth scheme ("Bearer <key>"): a variable, nothing to compute.
    const whole =
      (parts.length === 1 && 'env' in parts[0]!) ||
      (parts.length === 2 && 'text' in parts[0]! && /^(Bearer|Token|Basic) $/i.test(parts[0].text) && 'env' in parts[1]!);
    const leftover = parts.some((p) => 'text' in p && p.text.includes(MASK_CHAR));
    if ((isCredentialKey(k) && !whole) || leftover) {
      computed.push(k);
      return [k, [use(`${vendorPrefix}_${k.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`)]];
    }
    return [k, parts.map((p) => ('env' in p ? use(p.env) : p))];
  });
  /** A body or message: credentials and references as variables; a value core redacted is one to compute (named after its field). */
  const content = (text: string): Value => {
    const withComputed = text.replace(REDACTED_FIELD, (_m, head: string, key: string) => {
      if (!computed.includes(key)) computed.push(key);
      return `${head}{{secret:${key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}}}`;
    });
    const parts = split(withComputed).map((p) => ('env' in p ? use(p.env) : p));
    if (parts.some((p) => 'text' in p && (p.text.includes(MASK_CHAR) || p.text.includes(REDACTED))))
      throw new Error('copy as code: the request holds a masked value that matches no credential of this profile');
    return parts;
  };

  if (inspection.method === 'WEBSOCKET') {
    const url = split(inspection.url).map((p) => ('env' in p ? use(p.env) : p));
    const messages = (inspection.messages ?? []).map(content);
    return {
      curl: null,
      node: nodeSocket(url, headers, messages, variables),
      python: pythonSocket(url, headers, messages, variables),
      transport: 'websocket',
      variables,
      computed,
    };
  }

  const body = content(inspection.body);

  const header = computed.length
    ? `Values computed at run time from your keys (${computed.join(', ')}): compute them as the inspector's steps show, or run the request with \`parley\`.`
    : '';

  return {
    curl: curl(inspection, headers, body, variables, header),
    node: node(inspection, headers, body, variables, header),
    python: python(inspection, headers, body, variables, header),
    transport: 'http',
    variables,
    computed,
  };
}

function nodeSocket(url: Value, headers: [string, Value][], messages: Value[], vars: string[]): string {
  const options = headers.length ? `, { headers: { ${headers.map(([k, v]) => `${JSON.stringify(k)}: ${jsString(v)}`).join(', ')} } }` : '';
  return (
    [
      `// npm install ws. Set ${vars.length ? vars.join(', ') : 'nothing'} in your environment first.`,
      `// Sends the session's first messages, then prints what the server sends until it closes the socket.`,
      `import WebSocket from 'ws';`,
      ``,
      `const socket = new WebSocket(${jsString(url)}${options});`,
      `const messages = [`,
      ...messages.map((m) => `  ${jsString(m)},`),
      `];`,
      `socket.on('open', () => messages.forEach((m) => socket.send(m)));`,
      `socket.on('message', (data, isBinary) => console.log(isBinary ? \`<\${data.length} bytes>\` : data.toString()));`,
      `socket.on('close', (code, reason) => console.log('closed', code, reason.toString()));`,
      `socket.on('error', (err) => console.error(err.message));`,
    ].join('\n') + '\n'
  );
}

function pythonSocket(url: Value, headers: [string, Value][], messages: Value[], vars: string[]): string {
  // websockets 14+ names it additional_headers (extra_headers before).
  const extra = headers.length ? `, additional_headers={${headers.map(([k, v]) => `${JSON.stringify(k)}: ${pyString(v)}`).join(', ')}}` : '';
  return (
    [
      `# pip install "websockets>=14". Set ${vars.length ? vars.join(', ') : 'nothing'} in your environment first.`,
      `# Sends the session's first messages, then prints what the server sends until it closes the socket.`,
      'import asyncio',
      'import os',
      '',
      'import websockets',
      '',
      '',
      'async def main():',
      `    async with websockets.connect(${pyString(url)}${extra}) as socket:`,
      ...messages.map((m) => `        await socket.send(${pyString(m)})`),
      '        async for message in socket:',
      '            print(message if isinstance(message, str) else f"<{len(message)} bytes>")',
      '',
      '',
      'asyncio.run(main())',
    ].join('\n') + '\n'
  );
}

function curl(ins: RequestInspection, headers: [string, Value][], body: Value, vars: string[], note: string): string {
  // Double quotes so $VARIABLES expand; everything literal has ", \, $ and ` escaped.
  const dq = (v: Value) => `"${v.map((p) => ('env' in p ? `\${${p.env}}` : p.text.replace(/["\\$`]/g, '\\$&'))).join('')}"`;
  const lines = [`curl -X ${ins.method} ${dq([{ text: ins.url }])}`, ...headers.map(([k, v]) => `  -H ${dq([{ text: `${k}: ` }, ...v])}`)];
  if (ins.body) lines.push(`  --data-raw ${dq(body)}`);
  const pre = [`# Set ${vars.length ? vars.join(', ') : 'nothing'} in your environment first.`, ...(note ? [`# ${note}`] : [])];
  return [...pre, lines.join(' \\\n')].join('\n') + '\n';
}

function jsString(v: Value): string {
  if (v.length === 1 && 'env' in v[0]!) return `process.env.${v[0].env}`;
  return '`' + v.map((p) => ('env' in p ? `\${process.env.${p.env}}` : p.text.replace(/[`\\$]/g, '\\$&'))).join('') + '`';
}

function node(ins: RequestInspection, headers: [string, Value][], body: Value, vars: string[], note: string): string {
  const lines = [
    `// Node 18+ (global fetch). Set ${vars.length ? vars.join(', ') : 'nothing'} in your environment first.`,
    ...(note ? [`// ${note}`] : []),
    `const response = await fetch(${JSON.stringify(ins.url)}, {`,
    `  method: ${JSON.stringify(ins.method)},`,
    `  headers: {`,
    ...headers.map(([k, v]) => `    ${JSON.stringify(k)}: ${jsString(v)},`),
    `  },`,
    ...(ins.body ? [`  body: ${jsString(body)},`] : []),
    `});`,
    `console.log(response.status, await response.text());`,
  ];
  return lines.join('\n') + '\n';
}

function pyString(v: Value): string {
  if (v.length === 1 && 'env' in v[0]!) return `os.environ[${JSON.stringify(v[0].env)}]`;
  if (v.every((p) => 'text' in p)) return JSON.stringify(v.map((p) => ('text' in p ? p.text : '')).join(''));
  return v.map((p) => ('env' in p ? `os.environ[${JSON.stringify(p.env)}]` : JSON.stringify(p.text))).join(' + ');
}

function python(ins: RequestInspection, headers: [string, Value][], body: Value, vars: string[], note: string): string {
  const lines = [
    `# pip install requests. Set ${vars.length ? vars.join(', ') : 'nothing'} in your environment first.`,
    ...(note ? [`# ${note}`] : []),
    'import os',
    'import requests',
    '',
    `response = requests.request(`,
    `    ${JSON.stringify(ins.method)},`,
    `    ${JSON.stringify(ins.url)},`,
    `    headers={`,
    ...headers.map(([k, v]) => `        ${JSON.stringify(k)}: ${pyString(v)},`),
    `    },`,
    // Sent as bytes: the signature covers the exact body, so requests must not re-encode it.
    ...(ins.body ? [`    data=(${pyString(body)}).encode("utf-8"),`] : []),
    `)`,
    `print(response.status_code, response.text)`,
  ];
  return lines.join('\n') + '\n';
}
