// The desktop app in a real webview under Xvfb: a screenshot that is not blank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const OUT = join(import.meta.dirname, 'out');

test('the desktop app renders its shell in a window', async () => {
  const bin = process.env.AGENTNET_DESKTOP_BIN;
  assert.ok(bin, 'AGENTNET_DESKTOP_BIN is set');
  mkdirSync(OUT, { recursive: true });
  const shot = join(OUT, 'desktop-shell.png');
  // xvfb-run owns the X server; the shell script inside waits for the window to
  // paint, captures the root window, then stops the app.
  const script = `"${bin}" & app=$!; sleep "$WAIT"; import -window root "${shot}"; kill $app; wait $app 2>/dev/null; exit 0`;
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', 'sh', '-c', script], {
    env: {
      ...process.env,
      // A profile folder of its own: the test never touches the user's agent.
      AGENTNET_DATA_DIR: mkdtempSync(join(tmpdir(), 'agentnet-desktop-')),
      WAIT: process.env.AGENTNET_DESKTOP_WAIT || '8',
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, 'xvfb-run finished cleanly');
  assert.ok(statSync(shot).size > 0, 'a screenshot was written');
  // A blank webview is one flat colour; the rendered shell has text and borders.
  // Only the webview's area counts: below the native menu bar of the 800x600 window.
  const webview = ['-crop', '800x540+0+40', '+repage'];
  const colours = Number(execFileSync('convert', [shot, ...webview, '-format', '%k', 'info:']).toString());
  assert.ok(colours > 16, `the screenshot has ${colours} colours: the window looks blank`);
  await sleep(0);
});
