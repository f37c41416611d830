/**
 * The layer rule (eslint.config.js, RENDERER_LAYER): the renderer takes values only from src-main's renderer layer
 * (types from anywhere), and the renderer layer imports no Node module. Checked on snippets through ESLint itself.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers', () => {
  const panel = 'src-renderer/src/vendors/tencent/LayerProbe.ts';

  it('refuses a renderer value import of a Node-only module, naming the rule', async () => {
    const messages = await restricted("import { signTc3 } from '../../../../src-main/core/vendors/tencent/tc3.ts';\nexport const f = signTc3;\n", panel);
    expect(messages).toEqual([expect.stringContaining('a Node-only module of src-main')]);
  });

  it('allows its types, and values from the renderer layer', async () => {
    expect(await restricted("import type { Tc3Signed } from '../../../../src-main/core/vendors/tencent/tc3.ts';\nexport type S = Tc3Signed;\n", panel)).toEqual(
      [],
    );
    expect(await restricted("import { roomEvents } from '../../../../src-main/core/room-events.ts';\nexport const r = roomEvents;\n", panel)).toEqual([]);
  });

  it('refuses a Node module in a renderer-layer file', async () => {
    const messages = await restricted("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'src-main/core/room-events.ts');
    expect(messages).toEqual([expect.stringContaining('renderer layer')]);
    expect(await restricted("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'src-main/core/vendors/tencent/tc3.ts')).toEqual([]);
  });

  it("marks a vendor folder's layers by folder: common/ is the renderer's, the rest Node-only", async () => {
    const fromCommon =
      "import { parseRoomMessage } from '../../../../src-main/core/vendors/tencent/common/room-messages.ts';\nexport const p = parseRoomMessage;\n";
    expect(await restricted(fromCommon, panel)).toEqual([]);
    const fromNode = "import { tencentSandbox } from '../../../../src-main/core/vendors/tencent/sandbox.ts';\nexport const s = tencentSandbox;\n";
    expect(await restricted(fromNode, panel)).toEqual([expect.stringContaining('a Node-only module of src-main')]);
    // A new file in any vendor's common/ folder is in the layer without being listed.
    const nodeInCommon = "import { createServer } from 'node:http';\nexport const c = createServer;\n";
    expect(await restricted(nodeInCommon, 'src-main/core/vendors/mindcraft/common/probe.ts')).toEqual([expect.stringContaining('renderer layer')]);
  });
});
