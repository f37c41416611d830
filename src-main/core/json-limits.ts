/**
 * What the contract accepts before any schema or handler sees an argument: plain JSON data (Electron's structured
 * clone also carries BigInt, Map, Date and cycles, which JSON.stringify deep inside a handler would trip over), no
 * deeper and no larger than a limit. Checked once, at the door, with a message naming the field.
 */
export interface JsonLimits {
  /** Nesting levels below the arguments object. */
  maxDepth: number;
  /** Approximate serialised size (string lengths, keys and a few bytes per other value). */
  maxBytes: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 48, maxBytes: 1024 * 1024 };

function pointer(path: string[]): string {
  const p = '/' + path.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return p.length > 200 ? `${p.slice(0, 200)}…` : p;
}

function describeType(v: unknown): string {
  if (typeof v === 'bigint') return 'a BigInt (send it as a number or a string)';
  if (typeof v === 'symbol') return 'a Symbol';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number') return `${String(v)} (only finite numbers are JSON numbers)`;
  const name = (v as object).constructor?.name;
  return `a ${name || 'non-plain'} object (send plain JSON objects and arrays)`;
}

class TooBig extends Error {}

/** The first reason `value` is not plain JSON data within `limits`, naming its place; null when it is fine. */
export function jsonProblem(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): string | null {
  let bytes = 0;
  const ancestors = new Set<object>();
  const path: string[] = [];
  const add = (n: number) => {
    bytes += n;
    if (bytes > limits.maxBytes) throw new TooBig();
  };
  const visit = (v: unknown, depth: number): string | null => {
    if (v === null || v === undefined || typeof v === 'boolean') return (add(4), null);
    if (typeof v === 'string') return (add(v.length + 2), null);
    if (typeof v === 'number') return Number.isFinite(v) ? (add(8), null) : `${pointer(path)}: ${describeType(v)}`;
    if (typeof v !== 'object') return `${pointer(path)}: ${describeType(v)}`;
    const proto = Object.getPrototypeOf(v);
    const isArray = Array.isArray(v);
    if (!isArray && proto !== Object.prototype && proto !== null) return `${pointer(path)}: ${describeType(v)}`;
    if (ancestors.has(v)) return `${pointer(path)}: refers back to itself (a cycle); send plain JSON data`;
    if (depth >= limits.maxDepth) return `${pointer(path)}: nested deeper than ${limits.maxDepth} levels`;
    ancestors.add(v);
    add(2);
    try {
      const keys = isArray ? null : Object.keys(v);
      const n = isArray ? (v as unknown[]).length : keys!.length;
      for (let i = 0; i < n; i++) {
        const k = keys ? keys[i]! : String(i);
        add(k.length + 3);
        path.push(k);
        const problem = visit((v as Record<string, unknown>)[k], depth + 1);
        path.pop();
        if (problem) return problem;
      }
    } finally {
      ancestors.delete(v);
    }
    return null;
  };
  try {
    return visit(value, 0);
  } catch (err) {
    if (err instanceof TooBig) return `${pointer(path)}: the arguments are larger than ${Math.round(limits.maxBytes / 1024)} KB`;
    throw err;
  }
}
