// The desktop app in a real webview under xvfb-run, used the way a person would with a
// keyboard (xdotool types into the window): it onboards, opens a CLI agent's invite link,
// books a meeting with that agent through a real relay, and leaves a screenshot of each
// main screen in e2e/screenshots/. Everything the test checks, it checks outside the
// window: the relay's metrics, the CLI agent's calendar, and finally the desktop's own
// encrypted profile, opened with the CLI after the app has closed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitForHttp } from './support.mjs';
import { SCREENSHOTS } from './agentnet.mjs';

const ZONE = 'Europe/Berlin';
const DORA = 'dora: four quiet herons 77';
const BOB = 'bob: seven lively otters 42';
const ASK = 'find 30 minutes with Bob next week, afternoons';

const bins = {
  app: process.env.AGENTNET_DESKTOP_BIN,
  cli: process.env.AGENTNET_CLI_BIN,
  relay: process.env.AGENTNET_RELAY_BIN,
};
const children = [];
let relayUrl;
let metricsUrl;
let bobHome;
let doraData;
let x; // the X display xvfb-run made: { DISPLAY, XAUTHORITY }
let app;
let window;

/** Starts a long-lived process in its own group, stopped (with its children) at the end. */
function start(command, args, env, log) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', log ? 'pipe' : 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

function stop(child) {
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

/** The `agentnet` CLI on `home`, as JSON. */
function cli(home, passphrase, ...args) {
  const out = execFileSync(bins.cli, ['--profile', home, '--json', ...args], { env: { ...process.env, AGENTNET_PASSPHRASE: passphrase }, encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : null;
}

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await sleep(250);
  }
}

async function metric(name) {
  // The relay closes idle keep-alive connections; a poll that hits one just tries again.
  const text = await fetch(metricsUrl).then((res) => res.text()).catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** xdotool on the test's display. */
function xdo(...args) {
  return execFileSync('xdotool', args, { env: { ...process.env, ...x }, encoding: 'utf8' }).trim();
}

/** Types like a quick person: a webview drops keys sent faster than it renders. */
function type(text) {
  xdo('type', '--delay', '40', text);
}

function key(...keys) {
  xdo('key', '--delay', '150', ...keys);
}

/** How many colours the window shows: a blank or unpainted webview has a handful. */
function colours(file) {
  return Number(execFileSync('convert', [file, '-format', '%k', 'info:']).toString());
}

/** Saves what the window shows as e2e/screenshots/desktop-<name>.png. */
function shoot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `desktop-${name}.png`);
  execFileSync('import', ['-window', window, file], { env: { ...process.env, ...x } });
  assert.ok(colours(file) > 16, `${name}: the window looks blank`);
  return file;
}

/** Alt+digit opens a main screen; the pause lets it load its data and paint. */
async function open(digit, name) {
  key(`alt+${digit}`);
  await sleep(1500);
  return shoot(name);
}

before(async () => {
  for (const [name, path] of Object.entries(bins)) assert.ok(path, `the ${name} binary is given (run through ./x test)`);
  const port = await freePort();
  const metricsPort = await freePort();
  relayUrl = `ws://127.0.0.1:${port}/ws`;
  // The relay serves its metrics only on their own address, never on the public port.
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  start(bins.relay, [], { RELAY_ADDR: `127.0.0.1:${port}`, RELAY_METRICS_ADDR: `127.0.0.1:${metricsPort}`, RUST_LOG: 'warn' });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`);

  // Bob is a CLI agent that answers by itself.
  bobHome = mkdtempSync(join(tmpdir(), 'agentnet-bob-'));
  cli(bobHome, BOB, 'init', '--name', 'Bob', '--zone', ZONE, '--relay', relayUrl);
  cli(bobHome, BOB, 'prefs', '--policy', 'auto');
  start(bins.cli, ['--profile', bobHome, 'run'], { AGENTNET_PASSPHRASE: BOB });
  await until('Bob is online', async () => (await metric('agentnet_relay_authenticated_connections')) >= 1);

  // xvfb-run owns the X server; its child reports the display and keeps it alive.
  const xvfb = start('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', 'sh', '-c', 'echo "$DISPLAY $XAUTHORITY"; exec sleep 3600'], {}, true);
  const [DISPLAY, XAUTHORITY] = (await new Promise((resolve) => xvfb.stdout.once('data', resolve))).toString().trim().split(' ');
  x = { DISPLAY, XAUTHORITY };
  doraData = mkdtempSync(join(tmpdir(), 'agentnet-desktop-'));
});

after(async () => {
  for (const child of children.reverse()) await stop(child);
});

test('the desktop app onboards, opens an invite link and books a meeting with a CLI agent', { timeout: 240_000 }, async () => {
  const { link } = cli(bobHome, BOB, 'invite');
  // Opened with the invite link, as a desktop does for "open with agentnet".
  app = start(bins.app, [link], {
    ...x,
    AGENTNET_DATA_DIR: doraData, // a profile folder of its own: never the user's agent
    AGENTNET_RELAY: relayUrl,
    TZ: ZONE,
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
  });
  window = await until('the window is mapped', () => {
    try { return xdo('search', '--onlyvisible', '--name', '^agentnet$').split('\n')[0]; } catch { return null; }
  });
  xdo('windowsize', '--sync', window, '1280', '800');
  xdo('windowfocus', '--sync', window);
  // Painted: the onboarding form, with the cursor in the name field.
  await until('the webview painted', () => { try { return shoot('onboarding'); } catch { return null; } }, 30_000);
  await sleep(1000);
  shoot('onboarding');

  type('Dora');
  key('Tab');
  type(DORA);
  key('Tab');
  type(DORA);
  key('Return');
  await until('the desktop agent is online', async () => (await metric('agentnet_relay_authenticated_connections')) >= 2, 90_000);

  // Unlocked, the app opens the invite in Contacts with Accept focused.
  await sleep(1500);
  shoot('contacts-invite');
  key('Return');
  await until('Bob has Dora as a contact', () => cli(bobHome, BOB, 'contacts').some((c) => c.name === 'Dora'));
  await sleep(1000);
  shoot('contacts');

  // Chat opens with the command box focused.
  await open(1, 'chat-empty');
  type(ASK);
  key('Return');
  const [meeting] = await until('Bob has the meeting in his calendar', () => {
    const events = cli(bobHome, BOB, 'events', '--days', '14');
    return events.length > 0 && events;
  });
  await sleep(2000);
  shoot('chat');
  await open(3, 'negotiations');
  await open(4, 'approvals');
  await open(5, 'calendar');
  // From the top of the calendar: Previous week, This week, Next week.
  key('Tab', 'Tab', 'Tab', 'Return');
  await sleep(1000);
  shoot('calendar-next-week');
  await open(6, 'settings');
  await open(2, 'contacts-list');

  await stop(app);
  // The desktop's own profile, opened by the CLI with Dora's passphrase: the same meeting,
  // and a transcript that reads as sentences about Bob.
  const mine = cli(doraData, DORA, 'events', '--days', '14');
  assert.equal(mine.length, 1, `one meeting in the desktop's calendar: ${JSON.stringify(mine)}`);
  assert.equal(mine[0].start, meeting.start);
  assert.equal(mine[0].end, meeting.end);
  const begins = new Date(meeting.start);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: 'numeric' }).format(begins));
  assert.ok(hour >= 12 && hour < 17, `an afternoon meeting: ${meeting.start}`);
  const contacts = cli(doraData, DORA, 'contacts');
  assert.deepEqual(contacts.map((c) => c.name), ['Bob']);
  const transcript = cli(doraData, DORA, 'transcript');
  const text = JSON.stringify(transcript);
  assert.match(text, /Bob's agent/, 'the transcript names Bob in sentences');
});
