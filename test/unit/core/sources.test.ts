import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src-main/core/schema.ts';
import type { ConstraintSource } from '../../../src-main/core/vendors/types.ts';
import { VENDORS } from '../../../src-main/core/vendors/registry.ts';

/**
 * Every constraint of every vendor payload schema says where it comes from (docs/vendors/README.md): an `x-source`
 * on the node (or `x-constraint-sources` for that keyword, `x-required-source` for presence), and every reference
 * leads to an existing entry of docs/vendors/<vendor>.md. Parley's own fields (`x-local`) are exempt.
 */
const CONSTRAINTS = [
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'multipleOf',
  'required',
  'oneOf',
  'not',
] as const;

/** GitHub's heading anchors: lower case, punctuation dropped (not - and _), spaces to hyphens. */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m)
      out.add(
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
  }
  return out;
}

interface Missing {
  where: string;
  keyword: string;
}

function walk(node: JsonSchema, where: string, out: Missing[], refs: ConstraintSource[], parentSource?: ConstraintSource): void {
  if (node['x-local']) return;
  const own = node['x-source'] as ConstraintSource | undefined;
  const perKeyword = (node['x-constraint-sources'] ?? {}) as Record<string, ConstraintSource>;
  if (own) refs.push(own);
  refs.push(...Object.values(perKeyword));
  for (const k of CONSTRAINTS) if (node[k] !== undefined && !own && !perKeyword[k]) out.push({ where, keyword: k });
  for (const key of node.required ?? []) {
    const child = node.properties?.[key];
    if (!child?.['x-required-source'] && !child?.['x-source'] && !own) out.push({ where: `${where}/${key}`, keyword: 'required (presence)' });
  }
  for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, `${where}/${k}`, out, refs, own ?? parentSource);
  if (node.items) walk(node.items, `${where}/[]`, out, refs, own);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${where}/*`, out, refs, own);
  (node.oneOf ?? []).forEach((b, i) => walk(b, `${where}/oneOf[${i}]`, out, refs, own));
  (node.allOf ?? []).forEach((b, i) => walk(b, `${where}/allOf[${i}]`, out, refs, own));
  if (node.then) walk(node.then, `${where}/then`, out, refs, own);
  // `if` only selects (it constrains nothing) and `not` is checked on its holder.
}

const operations = VENDORS.flatMap((v) => v.operations.map((op) => ({ name: `${v.id} ${op.id}`, vendor: v.id, op })));

describe.each(operations)('constraint sources: $name', ({ vendor, op }) => {
  const missing: Missing[] = [];
  const refs: ConstraintSource[] = [];
  walk(op.schema, '', missing, refs);

  it('marks every constraint documented or inferred', () => {
    expect(missing).toEqual([]);
    expect(refs.length).toBeGreaterThan(0);
  });

  it('points every mark at an entry of its own vendor reference', () => {
    const docs = `docs/vendors/${vendor}.md`;
    const known = anchors(docs);
    for (const r of refs) {
      expect(['documented', 'inferred']).toContain(r.kind);
      const [file, anchor] = r.ref.split('#');
      expect(file, r.ref).toBe(docs);
      expect(known, `${r.ref}: no heading with that anchor in ${docs}`).toContain(anchor);
    }
  });
});

describe('vendor code comments', () => {
  it('no longer cite files outside the repository (PROTOCOLS.md, the shared doc copies)', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) visit(p);
        else if (/\.(ts|vue)$/.test(name)) files.push(p);
      }
    };
    visit('src-main');
    visit('src-renderer/src');
    const offenders = files.filter((f) =>
      /PROTOCOLS(\.md)?|docs\/(convai-connect|mindcraft-chatbot-v3|netease-task-create|tencent-start-ai-conversation)\b|shared\/vendors/.test(
        readFileSync(f, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
    // …and every pointer into the vendor reference leads to an existing entry.
    const broken: string[] = [];
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/vendors\/(\w+)\.md#([\w-]+)/g))
        if (!anchors(`docs/vendors/${m[1]}.md`).has(m[2]!)) broken.push(`${f}: ${m[0]}`);
    expect(broken).toEqual([]);
  });
});
