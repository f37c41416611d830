/** `{{secret:NAME}}` references in payloads: found, resolved at send time, and kept in everything stored. */
const REF = /\{\{\s*secret:([A-Za-z0-9_.-]+)\s*\}\}/g;

export function secretRef(name: string): string {
  return `{{secret:${name}}}`;
}

/** Names referenced anywhere in a value. */
export function findSecretRefs(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(REF)) out.add(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => findSecretRefs(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => findSecretRefs(v, out));
  return out;
}

/** Replace references using `lookup`; a name it cannot find is an error naming the field path. */
export function resolveSecretRefs<T>(value: T, lookup: (name: string) => string | undefined, path = ''): T {
  if (typeof value === 'string') {
    return value.replace(REF, (_m, name: string) => {
      const v = lookup(name);
      if (v === undefined) throw new Error(`${path || '/'}: secret "${name}" is not set in this profile`);
      return v;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveSecretRefs(v, lookup, `${path}/${i}`)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveSecretRefs(v, lookup, `${path}/${k}`);
    return out as T;
  }
  return value;
}
