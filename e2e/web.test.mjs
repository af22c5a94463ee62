// The served web app in a real Chromium: the wasm hydrates and the relay answers on /ws.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, startWebApp } from './support.mjs';

let app;
let browser;

before(async () => {
  app = await startWebApp();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

test('the shell renders every screen in the navigation', async () => {
  const page = await browser.newPage();
  await page.goto(app.origin);
  const links = await page.locator('nav a').allTextContents();
  assert.deepEqual(links, ['Chat', 'Contacts', 'Negotiations', 'Approvals', 'Calendar', 'Settings']);
});

test('the hydrated client checks a new passphrase and keeps what was typed', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(app.origin);
  // Only the hydrated client answers: the server-rendered HTML has no handlers, and
  // only the client can look for a profile in IndexedDB.
  await page.locator('header[data-interactive=true]').waitFor({ timeout: 20_000 });
  await page.locator('#create-profile').waitFor({ timeout: 20_000 });
  await page.locator('#name').fill('Carol');
  await page.locator('#passphrase').fill('aaaaaaaaaaaa');
  assert.match(await page.locator('#strength').textContent(), /Weak/);
  await page.locator('#confirm').fill('aaaaaaaaaaaa');
  await page.getByRole('button', { name: 'Create my agent' }).click();
  await page.locator('#create-profile .error').waitFor();
  assert.match(await page.locator('#create-profile .error').textContent(), /stronger passphrase/);
  assert.equal(await page.locator('#name').inputValue(), 'Carol');
  assert.equal(await page.locator('#passphrase').inputValue(), 'aaaaaaaaaaaa');
  assert.deepEqual(errors, []);
});

test('client-side navigation switches screens without a page load', async () => {
  const page = await browser.newPage();
  await page.goto(app.origin);
  await page.locator('header[data-interactive=true]').waitFor({ timeout: 20_000 });
  let loads = 0;
  page.on('load', () => loads++);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL('**/settings');
  assert.equal(new URL(page.url()).pathname, '/settings');
  assert.equal(loads, 0);
});

test('a WebSocket opened by the page reaches the relay at /ws', async () => {
  const page = await browser.newPage();
  await page.goto(app.origin);
  const greeting = await page.evaluate(() => new Promise((resolve, reject) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => { resolve(Array.from(new Uint8Array(event.data))); ws.close(); };
    ws.onerror = () => reject(new Error('websocket error'));
  }));
  assert.ok(greeting.length >= 1, 'the relay sent a binary frame');
  assert.equal(greeting[0], 2, 'the first byte is the wire version (2: sealed sender)');
});
