// A real Radicale CalDAV server for the end-to-end tests: a free loopback port, a
// collection root of its own, one user, and the CORS headers a server must send for the
// web app to reach it from the browser. The binary is the one `./x` pins.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './support.mjs';

export const USER = 'alice';
export const PASSWORD = 'app-password-1';

const binary = process.env.AGENTNET_RADICALE
  || join(process.env.AGENTNET_CACHE || join(homedir(), '.cache', 'agentnet'), 'radicale', 'bin', 'radicale');

const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** Starts Radicale; returns its URL, dav() for requests as the user, events() and stop(). */
export async function startRadicale() {
  const root = mkdtempSync(join(tmpdir(), 'agentnet-radicale-'));
  const port = await freePort();
  writeFileSync(join(root, 'users'), `${USER}:${PASSWORD}\n`);
  writeFileSync(join(root, 'config'), [
    '[server]', `hosts = 127.0.0.1:${port}`,
    '[auth]', 'type = htpasswd', `htpasswd_filename = ${join(root, 'users')}`, 'htpasswd_encryption = plain',
    '[storage]', `filesystem_folder = ${join(root, 'collections')}`,
    '[rights]', 'type = owner_only',
    '[logging]', 'level = warning',
    '[headers]',
    'Access-Control-Allow-Origin = *',
    'Access-Control-Allow-Methods = GET, PUT, DELETE, PROPFIND, REPORT, OPTIONS',
    'Access-Control-Allow-Headers = Authorization, Content-Type, Depth, If-Match, If-None-Match',
    'Access-Control-Expose-Headers = ETag',
    '',
  ].join('\n'));
  const child = spawn(binary, ['--config', join(root, 'config')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  const dav = (method, path, body, headers = {}) => fetch(new URL(path, url), { method, body, headers: { Authorization: auth, ...headers } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await dav('OPTIONS', '/')).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Radicale (${binary}) did not start on ${url}`);
    await sleep(100);
  }
  return {
    url,
    dav,
    /** Creates the calendar `/alice/<name>/`. */
    async makeCalendar(name, display) {
      const body = `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>${display}</D:displayname></D:prop></D:set></C:mkcalendar>`;
      const res = await dav('MKCALENDAR', `/${USER}/${name}/`, body);
      if (res.status !== 201) throw new Error(`MKCALENDAR answered ${res.status}`);
      return new URL(`/${USER}/${name}/`, url).href;
    },
    /** Every event's calendar data in `/alice/<name>/`, asked with a calendar-query REPORT. */
    async events(name) {
      const body = '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>';
      const res = await dav('REPORT', `/${USER}/${name}/`, body, { Depth: '1' });
      if (res.status !== 207) throw new Error(`REPORT answered ${res.status}`);
      const text = await res.text();
      return [...text.matchAll(/BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/g)].map((m) => m[0].replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'));
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
