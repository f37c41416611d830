import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import { parseFault } from '../../../src-main/core/sandbox/faults.ts';
import { VENDORS } from '../../../src-main/core/vendors/registry.ts';

const host = new SandboxHost();
for (const v of VENDORS) v.mountSandbox(host);

/** The README's table, by vendor: every backquoted code in the Code column. */
function readmeCodes(): Map<string, Set<string>> {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Rehearsing vendor errors'));
  const out = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !VENDORS.some((v) => v.id === cells[1])) continue;
    const codes = out.get(cells[1]!) ?? new Set<string>();
    for (const m of cells[2]!.matchAll(/`([^`]+)`/g)) codes.add(m[1]!);
    out.set(cells[1]!, codes);
  }
  return out;
}

describe('vendor error catalogue', () => {
  it('every vendor declares its codes, each with meaning, kind, reference and moment', () => {
    const catalogue = host.catalogue();
    expect(catalogue.map((c) => c.vendor).sort()).toEqual(VENDORS.map((v) => v.id).sort());
    for (const c of catalogue) {
      expect(c.errors.length, c.vendor).toBeGreaterThan(0);
      for (const e of c.errors) {
        expect(e.meaning.length, `${c.vendor} ${e.code}`).toBeGreaterThan(3);
        expect(e.ref, `${c.vendor} ${e.code}`).toMatch(new RegExp(`^docs/vendors/${c.vendor}\\.md#`));
        expect(['documented', 'inferred']).toContain(e.kind);
        expect(e.when.length).toBeGreaterThan(3);
      }
    }
  });

  it('holds the codes the documents list', () => {
    const codes = (vendor: string) =>
      host
        .catalogue()
        .find((c) => c.vendor === vendor)!
        .errors.map((e) => e.code);
    expect(codes('convai')).toEqual(expect.arrayContaining(['404', '422']));
    expect(codes('netease')).toEqual(expect.arrayContaining(['400', '402', '601', '611', '612']));
    expect(codes('tencent')).toEqual(
      expect.arrayContaining([
        'FailedOperation.NotAbility',
        'FailedOperation.NotAllowed',
        'FailedOperation.TaskExist',
        'InvalidParameter.UserSig',
        'ResourceInsufficient.RequestRejection',
        'FailedOperation.TaskNotExist',
        'InvalidParameter.TaskId',
      ]),
    );
    expect(codes('mindcraft')).toEqual(expect.arrayContaining(['2004']));
  });

  it('the README table lists exactly the catalogue', () => {
    const table = readmeCodes();
    for (const c of host.catalogue()) expect([...(table.get(c.vendor) ?? [])].sort(), c.vendor).toEqual(c.errors.map((e) => e.code).sort());
  });

  it('a vendor-error fault names a code of the vendor; anything else is a clear error', () => {
    expect(parseFault({ kind: 'vendor-error', code: 611 })).toEqual({ kind: 'vendor-error', code: '611' });
    expect(() => parseFault({ kind: 'vendor-error' })).toThrow(/fault.code: expected one of the vendor's error codes/);
    expect(() => host.setFault('tencent', { kind: 'vendor-error', code: '611' })).toThrow(
      /tencent has no error code "611" \(expected one of FailedOperation.NotAbility/,
    );
    host.setFault('tencent', { kind: 'vendor-error', code: 'FailedOperation.NotAllowed' });
    expect(host.fault('tencent')).toEqual({ kind: 'vendor-error', code: 'FailedOperation.NotAllowed' });
    host.setFault('tencent', null);
  });
});
