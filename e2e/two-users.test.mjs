// Two people in two browser contexts, on the app served like `./x run` serves it: they
// onboard, exchange an invite, one asks for a meeting, the other approves, and both see
// it in their week and can read the negotiation; one connects her CalDAV calendar (a real
// Radicale) and finds the meeting there; a reload keeps everything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, startWebApp } from './support.mjs';
import { PASSWORD as CALDAV_PASSWORD, USER as CALDAV_USER, startRadicale } from './radicale.mjs';
import { go, onboard, opened, sentences, shoot, unlock, workEveryDay } from './agentnet.mjs';

const ZONE = 'Europe/Berlin';
const ALICE = 'alice: correct horse battery staple';
const BOB = 'bob: seven lively otters 42';

let app;
let radicale;
let browser;
let alice;
let bob;

before(async () => {
  app = await startWebApp();
  radicale = await startRadicale();
  browser = await launchChromium();
  const context = () => browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: ZONE, colorScheme: 'light' });
  alice = await (await context()).newPage();
  bob = await (await context()).newPage();
  for (const page of [alice, bob]) {
    page.errors = [];
    page.on('pageerror', (err) => { page.errors.push(err); if (process.env.DEBUG_E2E) console.log('PAGEERROR', page === alice ? 'alice' : 'bob', page.url(), err.stack); });
  }
});

after(async () => {
  await browser?.close();
  await app?.stop();
  radicale?.stop();
});

/** Whether tomorrow (in ZONE) falls in next week's Monday-to-Sunday view. */
function tomorrowIsNextWeek() {
  return new Intl.DateTimeFormat('en-US', { timeZone: ZONE, weekday: 'short' }).format(new Date()) === 'Sun';
}

async function meetingInWeek(page) {
  await go(page, 'Calendar');
  await page.locator('#week-of').waitFor();
  if (tomorrowIsNextWeek()) {
    await page.locator('#next-week').click();
    await page.locator('#week-of').waitFor();
  }
  const event = page.locator('.week .event').filter({ hasText: 'Meeting with' });
  await event.first().waitFor({ timeout: 30_000 });
  return (await event.first().textContent()).trim();
}

async function openFirstNegotiation(page) {
  await go(page, 'Negotiations');
  await page.locator('.negotiation-list a').first().click();
  await page.locator('#negotiation-state').waitFor();
}

test('two users onboard in their own browsers', async () => {
  await alice.goto(app.origin);
  await opened(alice);
  await alice.locator('#create-profile').waitFor();
  await alice.locator('#passphrase').fill('short');
  assert.match(await alice.locator('#strength').textContent(), /Too short/);
  await alice.locator('#passphrase').fill('');
  await shoot(alice, 'onboarding');
  await onboard(alice, 'Alice', ALICE);
  await bob.goto(app.origin);
  await onboard(bob, 'Bob', BOB);
  for (const page of [alice, bob]) await workEveryDay(page);
  await shoot(alice, 'settings');
});

test('an invite link connects them and both see a safety number', async () => {
  await go(alice, 'Contacts');
  await alice.locator('#create-invite').click();
  const link = await alice.locator('#invite-link').inputValue();
  assert.match(link, new RegExp(`^${app.origin}/contacts\\?invite=an1`));
  assert.match(await alice.locator('#invite-code').inputValue(), /^an1/);
  assert.equal(await alice.locator('.qr svg').count(), 1, 'the invite has a QR code');
  await shoot(alice, 'contacts-invite');

  // Opening the link is a page load: Bob unlocks, and the invite waits in the form.
  await bob.goto(link);
  await unlock(bob, BOB);
  await bob.locator('#invite-from-link').waitFor();
  assert.match(await bob.locator('#accept-code').inputValue(), /^an1/);
  await bob.getByRole('button', { name: 'Accept' }).click();
  await bob.locator('#accept-invite .done').filter({ hasText: 'Connected to Alice' }).waitFor({ timeout: 30_000 });
  const bobsView = await bob.locator('li.contact[data-name=Alice] .safety').textContent();

  await alice.locator('li.contact[data-name=Bob]').waitFor({ timeout: 30_000 });
  const alicesView = await alice.locator('li.contact[data-name=Bob] .safety').textContent();
  assert.ok(alicesView.length >= 20, `a safety number: ${alicesView}`);
  assert.equal(alicesView, bobsView, 'both see the same safety number');
  await alice.locator('li.contact[data-name=Bob] input.verify').check();
  await alice.locator('li.contact[data-name=Bob] .badge.verified').waitFor();
  // Contacts see the owner's working day unless the owner says otherwise, per contact.
  // The choice is the agent's: leaving the screen and coming back draws the card anew
  // from it, until it shows what was chosen (or the test gives up).
  const sharing = alice.locator('li.contact[data-name=Bob] input.share-hours');
  const redrawnAs = async (wanted) => {
    for (let tries = 0; tries < 20; tries++) {
      await go(alice, 'Calendar');
      await go(alice, 'Contacts');
      await alice.locator('li.contact[data-name=Bob]').waitFor();
      if ((await sharing.isChecked()) === wanted) return true;
    }
    return false;
  };
  assert.equal(await sharing.isChecked(), true, 'shared with contacts by default');
  await sharing.uncheck();
  assert.ok(await redrawnAs(false), 'no longer shared with Bob');
  await sharing.check();
  assert.ok(await redrawnAs(true), 'shared with Bob again');
  await shoot(alice, 'contacts');
});

test('Alice asks for a meeting, Bob approves, both calendars show it', async () => {
  await go(alice, 'Chat');
  await alice.locator('#command').fill('find 30 minutes with Bob tomorrow afternoon');
  await alice.locator('#command').press('Enter');
  const answer = alice.locator('.chat-log li.agent').filter({ hasText: "Asking Bob's agent" });
  await answer.waitFor({ timeout: 30_000 });
  // What was understood, in one line, before the answer.
  assert.match(await answer.locator('.understood').textContent(), /Understood: 30 min with Bob, .* in the afternoon \(12:00-17:00\)/);
  // The history comes back with the arrow key.
  await alice.locator('#command').press('ArrowUp');
  assert.equal(await alice.locator('#command').inputValue(), 'find 30 minutes with Bob tomorrow afternoon');
  await alice.locator('#command').fill('');
  await alice.locator('.progress li').first().waitFor();
  await shoot(alice, 'chat');

  await go(bob, 'Approvals');
  const approval = bob.locator('li.approval').first();
  await approval.waitFor({ timeout: 30_000 });
  assert.match(await approval.textContent(), /Alice's agent asks for 30 minutes/);
  await shoot(bob, 'approvals');
  await approval.locator('button.approve').click();
  await bob.locator('#no-approvals').waitFor({ timeout: 30_000 });

  const alicesMeeting = await meetingInWeek(alice);
  const bobsMeeting = await meetingInWeek(bob);
  assert.match(alicesMeeting, /Meeting with Bob/);
  // Bob's calendar names the meeting after Alice: her name for him never left her device.
  assert.match(bobsMeeting, /Meeting with Alice/);
  const time = (text) => text.match(/\d\d:\d\d–\d\d:\d\d/)[0];
  assert.equal(time(alicesMeeting), time(bobsMeeting), 'the same time on both sides');
  const [start, end] = time(alicesMeeting).split('–').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
  assert.equal(end - start, 30);
  assert.ok(start >= 12 * 60, `an afternoon meeting: ${alicesMeeting}`);
  await shoot(alice, 'calendar');
});

test('Alice connects her CalDAV calendar on the Calendar screen and the meeting is written there', async () => {
  const work = await radicale.makeCalendar('work', 'Work');
  await radicale.makeCalendar('family', 'Family');
  // An appointment already on the server, which the agent's writes must leave alone.
  const dentist = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//EN', 'BEGIN:VEVENT', 'UID:dentist@e2e', 'DTSTAMP:20260101T000000Z',
    'DTSTART:20300107T080000Z', 'DTEND:20300107T090000Z', 'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  assert.equal((await radicale.dav('PUT', `/${CALDAV_USER}/work/dentist.ics`, dentist, { 'Content-Type': 'text/calendar' })).status, 201);

  await go(alice, 'Calendar');
  await alice.locator('#caldav-server').fill(radicale.url);
  await alice.locator('#caldav-user').fill(CALDAV_USER);
  await alice.locator('#caldav-password').fill(CALDAV_PASSWORD);
  await alice.locator('#caldav-connect').click();
  // Two calendars: the app asks which one, it does not guess.
  await alice.locator('#caldav-calendar').waitFor({ timeout: 30_000 });
  await alice.locator('#caldav-calendar').selectOption('Work');
  await alice.locator('#caldav-connect').click();
  await alice.locator('#caldav-connected').waitFor({ timeout: 30_000 });
  assert.match(await alice.locator('#caldav-url').textContent(), new RegExp(work.replaceAll('/', '\\/')));
  await alice.locator('#caldav-last-sync').filter({ hasText: 'Last synced' }).waitFor({ timeout: 30_000 });

  // The meeting Alice's agent booked with Bob's reaches the server.
  const deadline = Date.now() + 60_000;
  let copies = [];
  while (Date.now() < deadline) {
    copies = (await radicale.events('work')).filter((ics) => ics.includes('@agentnet'));
    if (copies.length) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.equal(copies.length, 1, 'the booked meeting is on the CalDAV server');
  assert.match(copies[0], /SUMMARY:Meeting with Bob/);
  assert.match(copies[0], /With Bob\./, 'the people are named in the notes');
  assert.doesNotMatch(copies[0], /ATTENDEE/, 'no invitations to agentnet ids');
  await alice.locator('#caldav-bookings').filter({ hasText: '1 written' }).waitFor({ timeout: 30_000 });
  assert.equal((await radicale.events('work')).filter((ics) => ics.includes('SUMMARY:Dentist')).length, 1);
  await shoot(alice, 'calendar-caldav');
});

test('the transcript is readable on both sides, with the messages on request', async () => {
  for (const page of [alice, bob]) {
    await openFirstNegotiation(page);
    await page.locator('#negotiation-state').filter({ hasText: 'Booked' }).waitFor({ timeout: 30_000 });
    const lines = await sentences(page);
    assert.ok(lines.length >= 3, `a transcript: ${lines.join(' | ')}`);
    for (const line of lines) {
      assert.match(line, /[.!?]$/, `a sentence: ${line}`);
      assert.doesNotMatch(line, /[{}]/, `no structured data in: ${line}`);
    }
  }
  await shoot(alice, 'negotiation');
  await alice.locator('#show-messages').check();
  await alice.locator('.transcript pre.message').first().waitFor();
  await shoot(alice, 'negotiation-messages');
  await go(alice, 'Negotiations');
  await alice.locator('.negotiation-list li.booked').first().waitFor();
  await shoot(alice, 'negotiations');
});

test('the agent asks who, the answer books it, and Bob suggests another time', async () => {
  await go(alice, 'Chat');
  await alice.locator('#command').fill('find 30 minutes tomorrow afternoon');
  await alice.locator('#command').press('Enter');
  const question = alice.locator('.chat-log li.question').last();
  await question.waitFor({ timeout: 30_000 });
  assert.match(await question.textContent(), /Who should the meeting be with\?/);
  assert.equal(await alice.locator('#command').getAttribute('placeholder'), 'Your answer (or a new request)');
  await shoot(alice, 'chat-question');
  await alice.locator('#command').fill('Bob');
  await alice.locator('#command').press('Enter');
  await alice.locator('.chat-log li.agent').filter({ hasText: "Asking Bob's agent" }).nth(1).waitFor({ timeout: 30_000 });

  await go(bob, 'Approvals');
  const approval = bob.locator('li.approval').first();
  await approval.waitFor({ timeout: 30_000 });
  await approval.locator('details.suggest summary').click();
  const pick = approval.locator('button.suggest-slot').first();
  await pick.waitFor();
  const picked = (await pick.textContent()).trim();
  await shoot(bob, 'approvals-suggest');
  await pick.click();
  await bob.locator('#no-approvals').waitFor({ timeout: 30_000 });

  // Alice's agent takes Bob's time: the newest negotiation is booked at it.
  await go(alice, 'Negotiations');
  const newest = alice.locator('.negotiation-list li').first();
  await newest.and(alice.locator('li.booked')).waitFor({ timeout: 30_000 });
  const hhmm = picked.match(/\d\d:\d\d/)[0];
  assert.ok((await newest.textContent()).includes(hhmm), `booked at Bob's time ${picked}: ${await newest.textContent()}`);
  assert.equal(await alice.locator('.negotiation-list li.booked').count(), 2);
});

test('a reload keeps everything once unlocked, and a wrong passphrase is refused', async () => {
  await bob.reload();
  await opened(bob);
  await bob.locator('#unlock').waitFor();
  await bob.locator('#passphrase').fill('not my passphrase');
  await bob.getByRole('button', { name: 'Unlock' }).click();
  await bob.locator('#unlock .error').filter({ hasText: 'wrong passphrase' }).waitFor({ timeout: 30_000 });
  assert.equal(await bob.locator('#passphrase').inputValue(), 'not my passphrase', 'what was typed stays');
  await shoot(bob, 'unlock');
  await bob.locator('#passphrase').fill('');
  await unlock(bob, BOB);

  await go(bob, 'Contacts');
  await bob.locator('li.contact[data-name=Alice]').waitFor();
  assert.match(await meetingInWeek(bob), /Meeting with Alice/);
  await openFirstNegotiation(bob);
  assert.match(await bob.locator('#negotiation-state').textContent(), /Booked/);
  assert.ok((await sentences(bob)).length >= 3);
  assert.deepEqual([...alice.errors, ...bob.errors].map(String), []);
});

test('what was understood can be changed: the request is called off and the command comes back', async () => {
  await go(alice, 'Chat');
  await alice.locator('#command').fill('find 30 minutes with Bob next week, mornings');
  await alice.locator('#command').press('Enter');
  // This answer, not an earlier one: its line says mornings.
  const answer = alice.locator('.chat-log li.agent').filter({ hasText: "Asking Bob's agent" }).filter({ hasText: 'in the morning (08:00-12:00)' });
  await answer.waitFor({ timeout: 30_000 });
  assert.match(await answer.locator('.understood').textContent(), /^Understood: 30 min with Bob, week of .*, in the morning \(08:00-12:00\)/);
  await answer.locator('button.change').click();
  await alice.locator('.chat-log li.agent').filter({ hasText: 'Called off.' }).waitFor({ timeout: 30_000 });
  assert.equal(await alice.locator('#command').inputValue(), 'find 30 minutes with Bob next week, mornings');
  await alice.locator('#command').fill('');
  await go(alice, 'Negotiations');
  await alice.locator('.negotiation-list li').first().and(alice.locator('li.ended')).waitFor({ timeout: 30_000 });
});
