// What a person does in the agentnet web app, as Playwright steps shared by the tests.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

/** Waits until the wasm client has hydrated and knows whether a profile exists. */
export async function opened(page) {
  await page.locator('header[data-interactive=true]').waitFor({ timeout: 30_000 });
  await page.locator('header:not([data-phase=Checking])').waitFor({ timeout: 30_000 });
}

/** Creates a profile and waits until the agent is online. */
export async function onboard(page, name, passphrase) {
  await opened(page);
  await page.locator('#create-profile').waitFor();
  await page.locator('#name').fill(name);
  await page.locator('#passphrase').fill(passphrase);
  await page.locator('#confirm').fill(passphrase);
  await page.getByRole('button', { name: 'Create my agent' }).click();
  await online(page);
}

/** Unlocks the profile on this origin and waits until the agent is online. */
export async function unlock(page, passphrase) {
  await opened(page);
  await page.locator('#unlock').waitFor();
  await page.locator('#passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await online(page);
}

export async function online(page) {
  await page.locator('header[data-phase=Ready]').waitFor({ timeout: 60_000 });
  await page.locator('#connection.online').waitFor({ timeout: 30_000 });
}

/** Client-side navigation through the main menu (a page load would lock the agent). */
export async function go(page, screen) {
  await page.locator('nav').getByRole('link', { name: screen, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/** Working hours on every day of the week, so "tomorrow" is never a day off. */
export async function workEveryDay(page) {
  await go(page, 'Settings');
  await page.locator('#settings').waitFor();
  for (const box of await page.locator('#settings input.day').all()) await box.check();
  await page.locator('#save-settings').click();
  await page.locator('#settings .done').filter({ hasText: 'Saved' }).waitFor();
}

/** The sentences of the open transcript. */
export async function sentences(page) {
  await page.locator('.transcript li').first().waitFor();
  return page.locator('.transcript .sentence').allTextContents();
}

const VARIANTS = [
  { width: 1280, height: 900, scheme: 'light' },
  { width: 1280, height: 900, scheme: 'dark' },
  { width: 390, height: 844, scheme: 'light' },
  { width: 390, height: 844, scheme: 'dark' },
];

/** Screenshots of what `page` shows now, at 1280 and 390 px wide, light and dark. */
export async function shoot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const v of VARIANTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await page.emulateMedia({ colorScheme: v.scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${v.width}-${v.scheme}.png`), fullPage: true });
  }
  // Readable at 320 px: no screen may be wider than a small phone (a sideways scroll).
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name} is ${overflow} px wider than a 320 px screen`);
  await page.setViewportSize(before);
  await page.emulateMedia({ colorScheme: 'light' });
}
