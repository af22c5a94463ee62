// The web bundle's size (wasm and JS, raw and gzip) and its time to interactive on
// loopback: from navigation start until the hydrated client marks the page interactive.
// A report, not a test: `AGENTNET_WEB_BUNDLE=... node bundle-report.mjs [runs]`.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, startWebApp } from './support.mjs';

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const bundle = process.env.AGENTNET_WEB_BUNDLE;
// Only what the page loads counts: the assets folder also keeps earlier builds' files.
const loaded = new Set();

const runs = Number(process.argv[2] || 5);
const app = await startWebApp();
const browser = await launchChromium();
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    // A fresh context each time: nothing cached, like a first visit.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('header[data-interactive=true]')) {
          window.__interactiveAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\.(wasm|js)$/.test(path)) loaded.add(path);
    });
    await page.goto(app.origin);
    await page.locator('header[data-interactive=true]').waitFor({ timeout: 30_000 });
    times.push(await page.evaluate(() => window.__interactiveAt));
    await context.close();
  }
} finally {
  await browser.close();
  await app.stop();
}
for (const kind of ['wasm', 'js']) {
  const mine = [...loaded].filter((p) => p.endsWith(`.${kind}`)).map((p) => join(bundle, 'public', p));
  const raw = mine.reduce((n, f) => n + statSync(f).size, 0);
  const gz = mine.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  console.log(`${kind}: ${kib(raw)} raw, ${kib(gz)} gzip (${mine.map((f) => f.split('/').pop()).join(', ')})`);
}
times.sort((a, b) => a - b);
console.log(`time to interactive over ${runs} cold loads: median ${times[Math.floor(runs / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[runs - 1].toFixed(0)} ms`);
