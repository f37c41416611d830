#!/usr/bin/env node
// Renders resources/icon.svg to resources/icon.png (512x512, transparent corners) with Debian's Chromium through
// playwright-core. Run after editing the SVG and commit both files; electron-builder derives the platform icons
// (icns, ico, Linux sizes) from the PNG. CHROMIUM_PATH overrides /usr/bin/chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const svg = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true, type: 'png' });
  writeFileSync(join(root, 'resources', 'icon.png'), png);
  console.log(`resources/icon.png: ${png.length} bytes`);
} finally {
  await browser.close();
}
