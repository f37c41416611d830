import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VOCABULARY, type JsonSchema } from '../../../src-main/core/schema.ts';
import { contract } from '../../../src-main/core/contract.ts';
import { VENDORS } from '../../../src-main/core/vendors/registry.ts';

const ROOT = join(import.meta.dirname, '../../..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|vue)$/.test(name) ? [p] : [];
  });

/** Every `x-` key anywhere in a schema, with where it is. */
function xKeys(node: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((n, i) => xKeys(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-')) out.push([k, at]);
      // An annotation's value is data (labels, sources), not schema: only x-selects holds a schema.
      if (!k.startsWith('x-') || k === 'x-selects') xKeys(v, `${at}/${k}`, out);
    }
  }
  return out;
}

function vendorSchemas(): [string, JsonSchema][] {
  return VENDORS.flatMap((v) => [
    [`${v.id} settings`, v.settingsSchema] as [string, JsonSchema],
    ...v.operations.flatMap((op) => [
      [`${v.id} ${op.id}`, op.schema] as [string, JsonSchema],
      ...(op.actions ?? []).filter((a) => a.schema).map((a) => [`${v.id} ${op.id} action ${a.id}`, a.schema!] as [string, JsonSchema]),
    ]),
  ]);
}

describe('schema vocabulary', () => {
  const known = new Set(Object.keys(SCHEMA_VOCABULARY));

  it('every x- key in every vendor schema and the contract is defined in SCHEMA_VOCABULARY', () => {
    const all = [
      ...vendorSchemas(),
      ...Object.entries(contract).flatMap(([name, spec]) => [
        [`contract ${name} args`, spec.args] as [string, JsonSchema],
        ...('result' in spec && spec.result ? [[`contract ${name} result`, spec.result] as [string, JsonSchema]] : []),
      ]),
    ];
    expect(all.length).toBeGreaterThan(20);
    const unknown = all.flatMap(([where, schema]) => xKeys(schema, where)).filter(([k]) => !known.has(k));
    expect(unknown).toEqual([]);
  });

  it('documents fields once, in both languages: title and description are { en, zh } objects, never strings', () => {
    const docs: [string, unknown][] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        // `properties` maps field names to schemas: a field may be called "title" or "description".
        if (k === 'properties' && v && typeof v === 'object') for (const [name, child] of Object.entries(v)) walk(child, `${at}/properties/${name}`);
        else if (k === 'title' || k === 'description') docs.push([`${at}/${k}`, v]);
        // Values (examples, default, const, enum) are payload data, not schema.
        else if (['examples', 'default', 'const', 'enum'].includes(k)) continue;
        else if (!k.startsWith('x-') || k === 'x-selects') walk(v, `${at}/${k}`);
      }
    };
    for (const [where, schema] of vendorSchemas()) walk(schema, where);
    expect(docs.length).toBeGreaterThan(100);
    const isLocalized = (v: unknown) =>
      !!v && typeof v === 'object' && Object.keys(v).sort().join() === 'en,zh' && Object.values(v).every((s) => typeof s === 'string' && s.trim() !== '');
    expect(docs.filter(([, v]) => !isLocalized(v)).map(([at]) => at)).toEqual([]);
    // The retired second-language keys are gone from every source file, not only from the registered schemas.
    const retired = [join(ROOT, 'src-main'), join(ROOT, 'src-renderer/src'), join(ROOT, 'test')]
      .flatMap(files)
      .filter((f) => !f.endsWith('schema-vocabulary.test.ts') && /'x-(title|description)-zh'/.test(readFileSync(f, 'utf8')));
    expect(retired).toEqual([]);
  });

  it('is read: every defined key is read by code (a key nothing reads is decoration that drifts)', () => {
    const code = [join(ROOT, 'src-main'), join(ROOT, 'src-renderer/src'), join(ROOT, 'test/fuzz')]
      .flatMap(files)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect([...known].filter((k) => !code.includes(`['${k}']`))).toEqual([]);
  });

  it('catches an unknown key', () => {
    expect(xKeys({ type: 'object', properties: { a: { type: 'string', 'x-switch': 'mode' } } }, 'test')).toEqual([['x-switch', 'test/properties/a']]);
  });
});
