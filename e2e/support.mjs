// Shared helpers of the end-to-end tests: free ports, a served app, Chromium.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

/** A free loopback port, found by binding port 0. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = new Error(`${url} answered ${res.status}`);
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`gave up waiting for ${url}: ${last}`);
}

/**
 * Starts the served web app (the fullstack server with the relay mounted) from the
 * bundle that `./x build-web` produced, on a free port. Returns its origin and a stop().
 */
export async function startWebApp() {
  const bundle = process.env.AGENTNET_WEB_BUNDLE;
  if (!bundle) throw new Error('AGENTNET_WEB_BUNDLE is not set: run the tests through ./x test');
  const port = await freePort();
  const child = spawn('./server', [], {
    cwd: bundle,
    env: { ...process.env, IP: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/healthz`);
  return {
    origin,
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
