#!/usr/bin/env node
// Browser tests for the built site (dist/), in Debian's headless Chromium driven by playwright-core.
//
//   node tests/e2e/run.mjs                 run every case (after `trunk build --release`)
//   node tests/e2e/run.mjs narration embed run only the cases whose name contains one of the words
//
// What it proves beyond each case:
//   - the site works from a sub-path: dist/ is served at SUB_PATH by a tiny static server below;
//   - nothing leaves the machine: every request is recorded and any request to another origin fails the
//     case (and is aborted);
//   - no console error, no uncaught exception, no HTTP error, no visible Rust panic panel, in any case.
// Each case runs in a fresh browser context. A failing case saves a screenshot and the page's HTML in
// tests/e2e/artifacts/. The lifecycle page is saved as docs/screenshot.png for the README.
//
// The DOM contract the UI follows is the CONTRACT block just below: adjust the tests there first.
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_DIST (default dist/), E2E_WAIT_MS (15000).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------------------------------
// CONTRACT: the selectors, query parameters and texts that the UI promises.
// ---------------------------------------------------------------------------------------------------
const tid = (id) => `[data-testid="${id}"]`;
const LEARNING_PATH = [
  'why-containers', 'containers-lifecycle', 'images-layers', 'volumes-persistence', 'compose-basics',
  'compose-healthchecks', 'network-isolation', 'swarm-basics', 'swarm-overlay-networks',
  'swarm-deployment-strategies', 'traefik-integration', 'backup-strategies',
  'restart-config-not-applied', 'disk-full-logs', 'practice-project',
];
const LIFECYCLE = 'containers-lifecycle';
const CONTAINER_STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'dead'];
const GOAL_STATUSES = ['met', 'pending', 'failed'];
const URL_PARAMS = ['page', 'scenario', 'seed', 'step']; // kept in the URL (history.replaceState)
const STEP_LABEL = /step\s+(\d+)\s*\/\s*(\d+)/i; // "step 3 / 10"
const RUN_WEB = 'docker run -d --name web -p 8080:80 nginx';
const BAD_FLAG = 'docker run --bogus nginx';
const BAD_FLAG_ERROR = 'unknown flag: --bogus';
const CONTAINER_ID = /\b[0-9a-f]{64}\b/g;
// The site header / navigation that embed mode removes. The lifecycle case checks that at least one
// of these is visible outside embed mode, so that the embed case proves something.
const CHROME = ['header', 'nav', tid('site-header'), tid('site-nav')].join(', ');
const STEPPER = ['step-back', 'step-forward', 'play', 'speed', 'scrubber', 'step-label'];

// ---------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.resolve(process.env.E2E_DIST ?? path.join(ROOT, 'dist'));
const SUB_PATH = '/some/sub/path/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');
// The README's screenshot is rewritten only on request (`make screenshot`), so a test run leaves the
// tree clean; otherwise it goes with the other artifacts.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? path.join(ROOT, 'docs', 'screenshot.png')
  : path.join(ROOT, 'tests', 'e2e', 'artifacts', 'screenshot.png');
const WAIT_MS = Number(process.env.E2E_WAIT_MS ?? 15000); // one wait for an element or a change
const CASE_MS = 120000; // a whole case
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  // playwright-core adds --user-data-dir=<a new empty temporary folder> itself.
];

// ---------------------------------------------------------------------------------------------------
// A static server for dist/ under SUB_PATH (node's http module only).
// ---------------------------------------------------------------------------------------------------
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json',
};

function startServer() {
  const misses = []; // paths answered with 404 (the browser's own /favicon.ico aside)
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (pathname + '/' === SUB_PATH) {
      res.writeHead(301, { location: SUB_PATH + url.search }).end();
      return;
    }
    const notFound = () => {
      if (pathname !== '/favicon.ico') misses.push(pathname);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    };
    if (!pathname.startsWith(SUB_PATH)) return notFound();
    let rel = pathname.slice(SUB_PATH.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(DIST, rel);
    if (!file.startsWith(DIST + path.sep)) return notFound();
    try {
      const body = await fsp.readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      notFound();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ server, origin, base: origin + SUB_PATH, misses });
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Small assertion and waiting helpers
// ---------------------------------------------------------------------------------------------------
class Failure extends Error {}
function check(cond, message) {
  if (!cond) throw new Failure(message);
}
function checkEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const short = (s, n = 300) => (s.length > n ? s.slice(0, n) + '…' : s);

// Polls `fn` until it returns a truthy value; returns that value, or throws `message` on timeout.
async function until(fn, message, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Failure(message + (last ? ` (last error: ${last.message.split('\n')[0]})` : ''));
    }
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------------
// One browser context per case, with everything it observed.
// ---------------------------------------------------------------------------------------------------
class Session {
  constructor(browser, server) {
    this.browser = browser;
    this.server = server;
    this.problems = []; // console errors, page errors, HTTP errors, off-origin requests
    this.requests = [];
  }

  async start() {
    this.context = await this.browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    this.context.setDefaultTimeout(WAIT_MS);
    const { origin } = this.server;
    const offOrigin = (u) => {
      const url = new URL(u);
      return !['data:', 'blob:', 'about:'].includes(url.protocol) && url.origin !== origin;
    };
    this.context.on('request', (r) => {
      this.requests.push(r.url());
      if (offOrigin(r.url())) this.problems.push(`off-origin request: ${r.method()} ${r.url()}`);
    });
    await this.context.route((u) => offOrigin(u.href), (route) => route.abort('blockedbyclient'));
    this.context.on('response', (r) => {
      const u = new URL(r.url());
      if (r.status() >= 400 && u.pathname !== '/favicon.ico') {
        this.problems.push(`HTTP ${r.status()} for ${r.url()}`);
      }
    });
    this.page = await this.newPage();
    return this;
  }

  async newPage() {
    const page = await this.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console error: ${short(m.text(), 600)}`);
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${short(String(e.stack ?? e), 600)}`));
    page.on('crash', () => this.problems.push('the page crashed'));
    return page;
  }

  // URL of the site with these query parameters; `true` means a bare flag (`&embed`).
  url(params = {}) {
    const q = Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== false && v !== null)
      .map(([k, v]) => (v === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
      .join('&');
    return this.server.base + (q ? `?${q}` : '');
  }

  // Opens the site and waits until `ready` (a selector) is visible.
  async open(params, ready) {
    await this.page.goto(this.url(params), { waitUntil: 'load' });
    await this.waitVisible(ready);
  }

  locator(sel) {
    return this.page.locator(sel);
  }
  async waitVisible(sel, what = sel) {
    try {
      await this.page.locator(sel).first().waitFor({ state: 'visible', timeout: WAIT_MS });
    } catch {
      throw new Failure(`${what} did not appear within ${WAIT_MS} ms`);
    }
  }
  async visibleCount(sel) {
    return this.page.locator(sel).locator('visible=true').count();
  }
  async text(sel) {
    return ((await this.page.locator(sel).first().textContent()) ?? '').trim();
  }
  params() {
    return new URL(this.page.url()).searchParams;
  }

  // --- the stepper ---------------------------------------------------------------------------------
  async stepInfo() {
    const label = await this.text(tid('step-label'));
    const m = STEP_LABEL.exec(label);
    check(m, `step-label "${label}" does not read like "step 3 / 10"`);
    return { label, step: Number(m[1]), total: Number(m[2]) };
  }
  // What the picture shows: its markup, and the container cards as name=state.
  async picture() {
    return (await this.page.locator(tid('picture')).first().innerHTML()).replace(/\s+/g, ' ');
  }
  async cards() {
    return this.page.locator(tid('container-card')).evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-name')}=${e.getAttribute('data-state')}`),
    );
  }
  async snapshot() {
    const info = await this.stepInfo();
    return { ...info, picture: await this.picture(), cards: await this.cards(), url: this.page.url() };
  }
  async isEnabled(id) {
    const b = this.page.locator(tid(id)).first();
    return (await b.isEnabled()) && (await b.getAttribute('aria-disabled')) !== 'true';
  }
  // Waits until the step label differs from `before` and returns the new step info.
  async labelChangedFrom(before, why) {
    await until(async () => (await this.text(tid('step-label'))) !== before, `${why}: step label stayed "${before}"`);
    return this.stepInfo();
  }
  // Clicks step-forward/step-back; returns false (without clicking) when the button is disabled.
  async step(id) {
    if (!(await this.isEnabled(id))) return false;
    const before = await this.text(tid('step-label'));
    await this.page.locator(tid(id)).first().click();
    await this.labelChangedFrom(before, `clicking ${id}`);
    return true;
  }
  // Leaves the page at a step k >= 1 whose picture differs from step k-1's. Returns both snapshots.
  async findPictureChange() {
    for (const dir of ['step-forward', 'step-back']) {
      let prev = await this.snapshot();
      for (let i = 0; i < 60 && (await this.step(dir)); i++) {
        const cur = await this.snapshot();
        if (cur.picture !== prev.picture) {
          if (dir === 'step-forward') return { before: prev, after: cur };
          await this.step('step-forward'); // back at prev, which is the later step
          return { before: cur, after: await this.snapshot() };
        }
        prev = cur;
      }
    }
    // The timeline does not change the picture by itself: make a change from the terminal.
    await this.type(RUN_WEB);
    await this.waitForCard('web', 'running');
    const after = await this.snapshot();
    check(after.step >= 1, `after "${RUN_WEB}" the step is still ${after.step}`);
    await this.step('step-back');
    const before = await this.snapshot();
    await this.step('step-forward');
    return { before, after: await this.snapshot() };
  }

  // --- the terminal ---------------------------------------------------------------------------------
  async type(command) {
    const input = this.page.locator(tid('terminal-input')).first();
    await input.click();
    await input.fill(command);
    await input.press('Enter');
  }
  async output() {
    return this.text(tid('terminal-output'));
  }
  // Waits for a container card `name` in `state`, stepping forward while the card is not there yet.
  async waitForCard(name, state) {
    const sel = `${tid('container-card')}[data-name="${name}"]`;
    const matches = async () =>
      (await this.page.locator(`${sel}[data-state="${state}"]`).count()) > 0;
    try {
      await until(matches, '', 1500);
      return;
    } catch {
      // not yet: step forward below
    }
    for (let i = 0; i < 60; i++) {
      if (await matches()) return;
      if (!(await this.step('step-forward'))) break;
    }
    await sleep(300);
    const seen = (await this.cards()).join(', ') || 'none';
    check(await matches(), `no container-card data-name="${name}" data-state="${state}" (cards: ${seen})`);
  }

  async blur() {
    await this.page.evaluate(() => document.activeElement?.blur?.());
  }

  async close() {
    await this.context?.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------
// The cases. Each gets a fresh Session `s`; throw (or use check) to fail.
// ---------------------------------------------------------------------------------------------------
async function openLifecycle(s, extra = {}) {
  await s.open({ page: LIFECYCLE, ...extra }, tid('picture'));
  await s.waitVisible(tid('step-label'));
  await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
}

// The stepping cases need somewhere to step: at least one step back from where they are.
async function atAStepAfterTheFirst(s) {
  let info = await s.stepInfo();
  if (info.step === 0) {
    check(await s.step('step-forward'), 'at step 0 and step-forward is disabled: nothing to step through');
    info = await s.stepInfo();
  }
  return info;
}

const cases = [
  {
    name: 'dist/index.html uses only relative URLs',
    browser: false,
    async run() {
      const html = await fsp.readFile(path.join(DIST, 'index.html'), 'utf8');
      const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);
      check(refs.length > 0, 'dist/index.html references no script or stylesheet');
      // data: URLs (the inline favicon) are part of the page itself and request nothing.
      const absolute = refs.filter((r) => !r.startsWith('data:') && (r.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(r)));
      check(absolute.length === 0, `absolute URLs in dist/index.html: ${absolute.join(' ')}`);
      const imports = [...html.matchAll(/\bfrom\s+["']([^"']+)["']|module_or_path:\s*["']([^"']+)["']/g)]
        .map((m) => m[1] ?? m[2]);
      const absImports = imports.filter((r) => r.startsWith('/') || /^[a-z]+:/i.test(r));
      check(absImports.length === 0, `absolute URLs in the loader script: ${absImports.join(' ')}`);
    },
  },
  {
    name: 'home lists the 15 pages and containers-lifecycle is ready',
    async run(s) {
      await s.open({}, tid('home'));
      const items = await s.locator(tid('path-item')).evaluateAll((els) =>
        els.map((e) => ({
          slug: e.getAttribute('data-slug'),
          status: e.getAttribute('data-status'),
          hrefs: [...e.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        })),
      );
      checkEq(items.map((i) => i.slug), LEARNING_PATH, 'path-item data-slug values, in order');
      for (const i of items) {
        check(['ready', 'coming'].includes(i.status), `${i.slug}: data-status "${i.status}"`);
        if (i.status === 'ready') {
          check(
            i.hrefs.some((h) => new URL(h, s.server.base).searchParams.get('page') === i.slug),
            `${i.slug} is ready but has no <a> to ?page=${i.slug} (links: ${i.hrefs.join(' ') || 'none'})`,
          );
        }
      }
      checkEq(items.find((i) => i.slug === LIFECYCLE)?.status, 'ready', `${LIFECYCLE} data-status`);
      // Following the link stays under the sub-path and opens the page.
      await s.locator(`${tid('path-item')}[data-slug="${LIFECYCLE}"] a[href]`).first().click();
      await s.waitVisible(tid('picture'), 'the lifecycle picture after following the home link');
      const url = new URL(s.page.url());
      check(url.pathname.startsWith(SUB_PATH), `the link left the sub-path: ${url.pathname}`);
      checkEq(url.searchParams.get('page'), LIFECYCLE, 'page parameter after following the link');
    },
  },
  {
    name: 'lifecycle page shows picture, terminal, stepper, narration, goals',
    async run(s) {
      await openLifecycle(s);
      check((await s.locator(`${tid('picture')} svg`).count()) > 0, 'the picture contains no <svg>');
      await s.waitVisible(tid('terminal-input'));
      checkEq(
        await s.locator(tid('terminal-input')).first().evaluate((e) => e.tagName),
        'INPUT',
        'terminal-input element',
      );
      check((await s.locator(tid('terminal-output')).count()) > 0, 'no terminal-output');
      for (const id of STEPPER) check((await s.visibleCount(tid(id))) > 0, `no visible ${id}`);
      checkEq(await s.locator(tid('scrubber')).first().getAttribute('type'), 'range', 'scrubber type');
      check((await s.locator(tid('narration')).count()) > 0, 'no narration');
      check((await s.locator(tid('goals')).count()) > 0, 'no goals');
      for (const st of await s.locator(tid('goal')).evaluateAll((els) => els.map((e) => e.dataset.status))) {
        check(GOAL_STATUSES.includes(st), `goal data-status "${st}"`);
      }
      for (const c of await s.cards()) {
        check(CONTAINER_STATES.includes(c.split('=')[1]), `container-card ${c}: unknown data-state`);
      }
      const diagram = tid('state-diagram');
      check((await s.visibleCount(diagram)) > 0, 'no visible state-diagram');
      check((await s.visibleCount(tid('scenario-select'))) > 0, 'no visible scenario-select');
      const snippet = await s.text(tid('embed-snippet'));
      check(/<iframe\b[^>]*\bsrc=/.test(snippet), `embed-snippet is not an <iframe> snippet: ${short(snippet)}`);
      check(/[?&]embed\b/.test(snippet) && snippet.includes(`page=${LIFECYCLE}`), `embed-snippet src lacks page/embed: ${short(snippet)}`);
      check((await s.page.getByRole('button', { name: /copy/i }).count()) > 0, 'no copy button for the embed snippet');
      check((await s.visibleCount(CHROME)) > 0, `no site header/nav (${CHROME}) outside embed mode`);
    },
  },
  {
    name: 'docker run starts a container named web',
    async run(s) {
      await openLifecycle(s);
      const idsBefore = new Set((await s.output()).match(CONTAINER_ID) ?? []);
      await s.type(RUN_WEB);
      await s.waitForCard('web', 'running');
      const fresh = await until(
        async () => ((await s.output()).match(CONTAINER_ID) ?? []).find((id) => !idsBefore.has(id)),
        'the terminal output shows no new 64-hex container id',
      );
      check(fresh, 'no container id');
      // The state diagram lights the running state.
      const lit = await s.locator(`${tid('state-diagram')} [data-lit="true"]`).count();
      check(lit > 0, 'no node of the state diagram has data-lit="true"');
    },
  },
  {
    name: 'step back then forward changes and restores label and picture',
    async run(s) {
      await openLifecycle(s);
      const { before, after } = await s.findPictureChange();
      check(after.step === before.step + 1, `expected consecutive steps, got ${before.label} then ${after.label}`);
      checkEq(s.params().get('step'), String(after.step), 'step in the URL');
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      checkEq(back.label, before.label, 'label after step-back');
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      checkEq(back.picture, before.picture, 'picture after step-back');
      checkEq(s.params().get('step'), String(before.step), 'step in the URL after step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      const again = await s.snapshot();
      checkEq(again.label, after.label, 'label after step-forward');
      checkEq(again.picture, after.picture, 'picture after step-forward');
      checkEq(again.cards, after.cards, 'container cards after step-forward');
    },
  },
  {
    name: 'reload with the current URL lands on the same step and picture',
    async run(s) {
      await openLifecycle(s);
      await s.findPictureChange();
      await atAStepAfterTheFirst(s);
      const here = await s.snapshot();
      const url = s.params();
      for (const p of URL_PARAMS) check(url.has(p), `the URL lacks "${p}": ${here.url}`);
      checkEq(url.get('step'), String(here.step), 'step in the URL');
      await s.page.reload({ waitUntil: 'load' });
      await s.waitVisible(tid('picture'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'no step label after reload');
      try {
        await until(async () => (await s.text(tid('step-label'))) === here.label, '');
      } catch {
        checkEq(await s.text(tid('step-label')), here.label, 'label after reload');
      }
      const there = await s.snapshot();
      checkEq(there.picture, here.picture, 'picture after reload');
      checkEq(there.cards, here.cards, 'container cards after reload');
    },
  },
  {
    name: 'clicking a narration entry seeks to its step',
    async run(s) {
      await openLifecycle(s);
      for (let i = 0; i < 5 && (await s.locator(tid('narration-entry')).count()) < 2; i++) {
        if (!(await s.step('step-forward'))) break;
      }
      const entries = await s.locator(tid('narration-entry')).evaluateAll((els) => els.map((e) => e.dataset.step));
      check(entries.length >= 2, `need two narration entries to seek between, found ${entries.length}`);
      const { step } = await s.stepInfo();
      const target = entries.find((v) => Number(v) !== step);
      check(target !== undefined, `every narration entry is at the current step ${step}`);
      const before = await s.text(tid('step-label'));
      await s.locator(`${tid('narration-entry')}[data-step="${target}"]`).first().click();
      const now = await s.labelChangedFrom(before, `clicking narration entry ${target}`);
      checkEq(now.step, Number(target), 'step after clicking the narration entry');
      checkEq(s.params().get('step'), target, 'step in the URL after seeking');
    },
  },
  {
    name: 'keyboard: ArrowLeft/ArrowRight step, space plays and pauses',
    async run(s) {
      await openLifecycle(s);
      const start = await atAStepAfterTheFirst(s);
      await s.blur();
      await s.page.keyboard.press('ArrowLeft');
      const left = await s.labelChangedFrom(start.label, 'ArrowLeft');
      checkEq(left.step, start.step - 1, 'step after ArrowLeft');
      await s.page.keyboard.press('ArrowRight');
      const right = await s.labelChangedFrom(left.label, 'ArrowRight');
      checkEq(right.step, start.step, 'step after ArrowRight');
      // Arrows typed in the terminal stay in the terminal.
      await s.locator(tid('terminal-input')).first().click();
      await s.page.keyboard.press('ArrowLeft');
      await sleep(400);
      checkEq((await s.stepInfo()).step, start.step, 'step after ArrowLeft inside the terminal input');
      // Space plays (the step advances by itself), space again pauses (it stops advancing).
      if (!(await s.isEnabled('step-forward'))) await s.step('step-back');
      const paused = await s.stepInfo();
      await s.blur();
      await s.page.keyboard.press('Space');
      await s.labelChangedFrom(paused.label, 'playing after pressing space');
      await s.page.keyboard.press('Space');
      await sleep(500);
      const stopped = await s.stepInfo();
      await sleep(1500);
      checkEq((await s.stepInfo()).step, stopped.step, 'step 1.5 s after pausing with space');
    },
  },
  {
    name: 'embed mode shows picture, stepper and terminal, and hides the chrome',
    async run(s) {
      await openLifecycle(s, { embed: true });
      for (const id of ['picture', 'terminal-input', 'terminal-output', ...STEPPER]) {
        check((await s.locator(tid(id)).count()) > 0, `embed mode lacks ${id}`);
      }
      for (const id of ['narration', 'goals', 'embed-snippet']) {
        checkEq(await s.locator(tid(id)).count(), 0, `${id} elements in embed mode`);
      }
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
      // Still steps in embed mode, and keeps the flag.
      if (await s.step('step-forward')) check(s.params().has('embed'), 'stepping dropped embed from the URL');
    },
  },
  {
    name: 'a bad flag prints Docker\'s error and changes nothing',
    async run(s) {
      await openLifecycle(s);
      const before = await s.snapshot();
      await s.type(BAD_FLAG);
      await until(async () => (await s.output()).includes(BAD_FLAG_ERROR), `the terminal never printed "${BAD_FLAG_ERROR}"`);
      await sleep(500);
      const after = await s.snapshot();
      checkEq(after.label, before.label, 'step label after the bad command');
      checkEq(after.cards, before.cards, 'container cards after the bad command');
      checkEq(after.picture, before.picture, 'picture after the bad command');
    },
  },
  {
    name: 'why-containers: a VM boots in the picture; step back and forward; embed',
    async run(s) {
      const WHY = 'why-containers';
      await s.open({ page: WHY }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('why-compare'))) > 0, 'no visible why-compare panel');
      checkEq(await s.locator(tid('lab-host')).count(), 3, 'lab hosts (laptop, ci, prod)');
      await s.type('multipass launch --name vm9 --memory 2G');
      const vm = `${tid('vm')}[data-name="vm9"]`;
      await until(async () => (await s.locator(vm).count()) > 0, 'no VM vm9 in the picture after multipass launch');
      check(/vm9/.test(await s.output()), 'the terminal does not echo the multipass command');
      // Step through the boot: the VM goes from starting to running.
      for (let i = 0; i < 8 && (await s.locator(`${vm}[data-state="running"]`).count()) === 0; i++) {
        if (!(await s.step('step-forward'))) break;
      }
      checkEq(await s.locator(vm).first().getAttribute('data-state'), 'running', 'vm9 state after its boot');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: WHY, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'volumes-persistence: a volume appears as a cylinder; step back and forward; embed',
    async run(s) {
      const VP = 'volumes-persistence';
      await s.open({ page: VP }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('stores-legend'))) > 0, 'no visible stores legend');
      await s.type('docker volume create e2edata');
      const vol = `${tid('volume')}[data-name="e2edata"]`;
      await until(async () => (await s.locator(vol).count()) > 0, 'no cylinder for e2edata after docker volume create');
      check(/e2edata/.test(await s.output()), 'the terminal does not print the volume name');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: VP, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'network-isolation: a network appears as a lane; the matrix; step back and forward; embed',
    async run(s) {
      const NI = 'network-isolation';
      await s.open({ page: NI }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('reachability'))) > 0, 'no visible reachability panel');
      await s.type('docker network create e2enet');
      const lane = `${tid('network-lane')}[data-name="e2enet"]`;
      await until(async () => (await s.locator(lane).count()) > 0, 'no lane for e2enet after docker network create');
      check(/\b[0-9a-f]{64}\b/.test(await s.output()), 'the terminal does not print the network ID');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: NI, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'disk-full-logs: a chatty container gets a log row, the chart is drawn; step back and forward; embed',
    async run(s) {
      const DF = 'disk-full-logs';
      await s.open({ page: DF }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('disk-chart'))) > 0, 'no visible disk chart');
      const rows = await s.locator(tid('disk-log')).count();
      await s.type('docker run -d --name e2elog -e LOG_LEVEL=debug --log-opt max-size=10m node:20 node server.js');
      await until(async () => (await s.locator(tid('disk-log')).count()) > rows, 'no log row for e2elog after docker run');
      check(/\b[0-9a-f]{64}\b/.test(await s.output()), 'the terminal does not print the container ID');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: DF, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'swarm-deployment-strategies: a new service gets one timeline row per slot, the configs panel; step back and forward; embed',
    async run(s) {
      const DS = 'swarm-deployment-strategies';
      await s.open({ page: DS }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('deploy-side'))) > 0, 'no visible update/rollback config panel');
      const rows = await s.locator(tid('deploy-row')).count();
      await s.type('docker service create -d --name e2eweb --replicas 2 dockyard/web:1.0');
      await until(async () => (await s.locator(tid('deploy-row')).count()) >= rows + 2, 'no timeline rows for e2eweb after docker service create');
      check(/\b[0-9a-z]{25}\b/.test(await s.output()), 'the terminal does not print the service ID');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: DS, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'swarm-basics: nodes with their tasks, Raft and services; docker service ls; kill a node from its menu (keyboard too); step back and forward; embed',
    async run(s) {
      const SB = 'swarm-basics';
      await s.open({ page: SB }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('swarm-node'))) >= 3, 'fewer than 3 visible node panels');
      check((await s.visibleCount(tid('raft'))) > 0, 'no visible Raft panel');
      check((await s.visibleCount(tid('swarm-legend'))) > 0, 'no visible legend');
      await s.type('docker service ls');
      await until(async () => /REPLICAS/.test(await s.output()), 'docker service ls printed no REPLICAS header');
      const node = `${tid('swarm-node')}[data-host="node-3"]`;
      // Keyboard: Enter on the node's header opens its menu, Escape closes it.
      await s.locator(`${node} .sw-node-head`).first().focus();
      await s.page.keyboard.press('Enter');
      await s.waitVisible(tid('node-menu'), 'the node menu (Enter)');
      await s.page.keyboard.press('Escape');
      await until(async () => (await s.locator(tid('node-menu')).count()) === 0, 'Escape did not close the node menu');
      // Mouse: click, then kill the machine.
      await s.locator(`${node} .sw-node-head`).first().click();
      await s.waitVisible(tid('node-kill'), 'the kill item of the node menu');
      await s.locator(tid('node-kill')).first().click();
      await until(async () => (await s.locator(`${node}[data-up="false"]`).count()) > 0, 'node-3 is not shown powered off after kill');
      check(/kill node-3/.test(await s.output()), 'the terminal does not echo the kill fault');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      await until(async () => (await s.locator(`${node}[data-up="true"]`).count()) > 0, 'node-3 still off after step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: SB, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
      check((await s.visibleCount(tid('swarm-node'))) >= 3, 'no node panels in embed mode');
    },
  },
  {
    name: 'swarm-overlay-networks: an overlay network appears as a lane across the nodes, the traffic chart; step back and forward; embed',
    async run(s) {
      const ON = 'swarm-overlay-networks';
      await s.open({ page: ON }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('overlay-side'))) > 0, 'no visible virtual IPs and traffic panel');
      check((await s.visibleCount(tid('traffic-chart'))) > 0, 'no visible traffic chart');
      check((await s.locator(`${tid('overlay-lane')}[data-network="ingress"]`).count()) > 0, 'no ingress lane');
      await s.type('docker network create -d overlay e2enet');
      const lane = `${tid('overlay-lane')}[data-network="e2enet"]`;
      await until(async () => (await s.locator(lane).count()) > 0, 'no lane for e2enet after docker network create -d overlay');
      check(/\b[0-9a-z]{25}\b/.test(await s.output()), 'the terminal does not print the network ID');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: ON, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'images-layers: a here-document typed line by line, a build with cache badges; step back and forward; embed',
    async run(s) {
      const IL = 'images-layers';
      await s.open({ page: IL }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      await until(async () => STEP_LABEL.test(await s.text(tid('step-label'))), 'step-label never read "step N / M"');
      check((await s.visibleCount(tid('image-sizes'))) > 0, 'no visible sizes panel');
      // A here-document keeps the prompt open until its delimiter.
      await s.type('cat > Dockerfile <<EOF');
      await until(async () => (await s.visibleCount(tid('heredoc'))) > 0, 'no here-document lines after <<EOF');
      await s.type('FROM alpine:3.20');
      await s.type('RUN echo hi');
      await s.type('EOF');
      await until(async () => (await s.visibleCount(tid('heredoc'))) === 0, 'the here-document did not close on EOF');
      await s.type('docker build -t e2e .');
      await until(async () => (await s.locator(`${tid('build-step')}[data-status="built"]`).count()) > 0, 'no built step in the picture after docker build');
      check(/naming to docker\.io\/library\/e2e:latest/.test(await s.output()), 'the terminal does not show BuildKit output');
      check((await s.locator(tid('layer')).count()) >= 2, 'no layer stack for the built image');
      await s.type('docker build -t e2e .');
      await until(async () => (await s.locator(`${tid('build-step')}[data-status="CACHED"]`).count()) > 0, 'the second build shows no CACHED step');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: IL, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'compose-basics: a file that does not load, then up -d draws the services; step back and forward; embed',
    async run(s) {
      // Needs the page `ready: true` in src/scenario/catalogue.rs (else the app shows "coming soon").
      const CB = 'compose-basics';
      await s.open({ page: CB, scenario: 'free' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      check((await s.visibleCount(tid('compose-containers'))) > 0, 'no visible compose containers panel');
      await s.waitVisible(tid('compose-error'), 'the banner saying there is no compose.yaml yet');
      // A one-line file with a YAML mistake: the picture shows Compose's error with its position.
      await s.type("echo 'services: {web: {image: nginx' > compose.yaml");
      await s.type('docker compose config');
      await until(async () => /yaml:/.test(await s.output()), 'docker compose config printed no yaml: error');
      await until(async () => /line \d+, column \d+/.test(await s.text(tid('compose-error'))), 'the error banner has no line and column');
      await s.type(`echo 'services: {web: {image: nginx, ports: ["8080:80"], depends_on: [db]}, db: {image: "postgres:16", environment: [POSTGRES_PASSWORD=secret]}}' > compose.yaml`);
      await until(async () => (await s.visibleCount(tid('compose-error'))) === 0, 'the error banner stayed after a good file');
      check((await s.locator(`${tid('compose-service')}[data-service="web"][data-state="none"]`).count()) > 0, 'no box for service web before up');
      await s.type('docker compose up -d');
      const web = `${tid('compose-service')}[data-service="web"][data-state="running"]`;
      await until(async () => (await s.locator(web).count()) > 0, 'service web never shows a running container after up -d');
      check(/-web-1$/.test(await s.locator(web).first().getAttribute('data-container')), 'the web box does not name its container <project>-web-1');
      check((await s.locator(tid('compose-depends-on')).count()) > 0, 'no depends_on arrow');
      check((await s.locator(tid('compose-network')).count()) > 0, 'no network lane');
      check((await s.locator(tid('compose-row')).count()) === 2, 'the table does not have one row per container');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      const back = await s.snapshot();
      check(back.picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: CB, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check(s.params().has('embed'), `embed left the URL: ${s.page.url()}`);
    },
  },
  {
    name: 'compose-healthchecks: the API races the database (restarts), then the healthcheck fix holds it; step back and forward; embed',
    async run(s) {
      const CH = 'compose-healthchecks';
      const api = (state) => `${tid('compose-service')}[data-service="api"][data-state="${state}"]`;
      // Step 15 of api-races-the-database: the API has crashed twice and is now connected.
      await s.open({ page: CH, scenario: 'api-races-the-database', step: '15' }, tid('picture'));
      await until(async () => (await s.locator(api('running')).count()) > 0, 'api is not running at step 15');
      await until(async () => /\b2\b/.test(await s.text(`${tid('compose-row')}[data-container="app-api-1"]`)), 'the table does not show api\'s 2 restarts');
      // The fix: at its last step the database is healthy and the API never restarted.
      await s.open({ page: CH, scenario: 'wait-for-healthy-database', step: '16' }, tid('picture'));
      await until(async () => (await s.locator(`${tid('compose-health')}.h-healthy`).count()) > 0, 'no healthy badge on db');
      check((await s.locator(`${tid('compose-depends-on')}.met`).count()) > 0, 'the service_healthy arrow is not met');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: CH, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
    },
  },
  {
    name: 'restart-config-not-applied: a changed file marks the container as running an OLD config until up -d recreates it',
    async run(s) {
      const RC = 'restart-config-not-applied';
      await s.open({ page: RC, scenario: 'free' }, tid('picture'));
      await s.type("echo 'services: {web: {image: nginx, environment: [MODE=old]}}' > compose.yaml");
      await s.type('docker compose up -d');
      const web = `${tid('compose-service')}[data-service="web"][data-state="running"]`;
      await until(async () => (await s.locator(web).count()) > 0, 'service web never runs after up -d');
      checkEq(await s.locator(tid('compose-drift')).count(), 0, 'drift notes before the file changed');
      await s.type("echo 'services: {web: {image: nginx, environment: [MODE=new]}}' > compose.yaml");
      await until(async () => (await s.visibleCount(tid('compose-drift'))) > 0, 'no OLD config note after the file changed');
      const note = await s.text(tid('compose-drift'));
      check(/MODE/.test(note) && /old/.test(note) && /new/.test(note), `the note does not show MODE old → new: ${note}`);
      // Time passes only when stepped: step forward until `cond` holds.
      const stepUntil = async (cond, why) => {
        for (let i = 0; i < 30 && !(await cond()); i++) {
          if (!(await s.step('step-forward'))) await sleep(200);
        }
        check(await cond(), why);
      };
      const started = async () => ((await s.output()).match(/Container \S+-web-1 Started/g) ?? []).length;
      await s.type('docker compose restart web');
      await stepUntil(async () => (await started()) >= 2, 'docker compose restart never printed Started');
      check((await s.visibleCount(tid('compose-drift'))) > 0, 'compose restart cleared the OLD config note (it must not)');
      await s.type('docker compose up -d');
      await stepUntil(async () => (await s.locator(tid('compose-drift')).count()) === 0, 'up -d did not clear the OLD config note');
      await stepUntil(async () => (await s.locator(web).count()) > 0, 'service web is not running after the recreate');
    },
  },
  {
    name: 'screenshot of the lifecycle page for the README',
    async run(s) {
      // The moment that tells the lifecycle story best: nginx has stopped cleanly, and `sleep`
      // (PID 1, no SIGTERM handler) waits out the grace period before its SIGKILL.
      await openLifecycle(s, { scenario: 'stop-grace-period', step: '5' });
      await s.waitForCard('sleeper', 'running');
      await s.blur();
      await sleep(300);
      await fsp.mkdir(path.dirname(SCREENSHOT), { recursive: true });
      const tmp = SCREENSHOT + '.tmp.png';
      await s.page.screenshot({ path: tmp });
      await fsp.rename(tmp, SCREENSHOT);
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------------
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function saveArtifacts(c, s) {
  if (!s?.page) return [];
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  const base = path.join(ARTIFACTS, slug(c.name));
  const saved = [];
  try {
    await s.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 });
    saved.push(`${base}.png`);
  } catch {
    // the page may be gone
  }
  try {
    await fsp.writeFile(`${base}.html`, await s.page.content());
    saved.push(`${base}.html`);
  } catch {
    // idem
  }
  return saved.map((p) => path.relative(ROOT, p));
}

async function runCase(c, browser, server, totals) {
  const t0 = Date.now();
  let s;
  let error;
  let timer;
  try {
    await Promise.race([
      (async () => {
        if (c.browser === false) return c.run();
        s = await new Session(browser, server).start();
        await c.run(s);
        // Whatever the case did, a visible panic panel is a failure.
        if (s.page && (await s.visibleCount(tid('error-panel'))) > 0) {
          throw new Failure(`error-panel is shown: ${short(await s.text(tid('error-panel')), 600)}`);
        }
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Failure(`timed out after ${CASE_MS / 1000} s`)), CASE_MS);
      }),
    ]);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  if (s) await sleep(100); // let late console messages arrive
  const problems = s?.problems ?? [];
  totals.problems += problems.length;
  totals.requests += s?.requests.length ?? 0;
  const failed = Boolean(error) || problems.length > 0;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`${failed ? 'FAIL' : 'PASS'}  ${c.name} (${secs} s)`);
  if (failed) {
    if (error) console.log(`      ${error instanceof Failure ? error.message : String(error.stack ?? error)}`);
    for (const p of problems.slice(0, 20)) console.log(`      ${p}`);
    if (problems.length > 20) console.log(`      … and ${problems.length - 20} more`);
    for (const a of await saveArtifacts(c, s)) console.log(`      saved ${a}`);
  }
  await s?.close();
  return !failed;
}

async function main() {
  const filters = process.argv.slice(2).map((f) => f.toLowerCase());
  const selected = filters.length ? cases.filter((c) => filters.some((f) => c.name.toLowerCase().includes(f))) : cases;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    console.log(`e2e: ${path.relative(ROOT, DIST) || DIST}/index.html is missing: build the site first (make site)`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`e2e: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path)`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  }
  await fsp.rm(ARTIFACTS, { recursive: true, force: true });

  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  console.log(`e2e: serving ${path.relative(ROOT, DIST) || DIST}/ at ${server.base}`);
  console.log(`e2e: Chromium ${browser.version()} (${CHROMIUM}), ${selected.length} case(s)`);

  const totals = { problems: 0, requests: 0 };
  let passed = 0;
  let failed = 0;
  for (const c of selected) {
    if (await runCase(c, browser, server, totals)) passed++;
    else failed++;
  }
  // Across all cases: no console error, page error, HTTP error or off-origin request.
  const clean = totals.problems === 0 && server.misses.length === 0;
  console.log(
    `${clean ? 'PASS' : 'FAIL'}  no console errors, page errors or off-origin requests in any case ` +
      `(${totals.requests} requests, ${totals.problems} problems)`,
  );
  for (const m of server.misses.slice(0, 10)) console.log(`      404 from the test server: ${m}`);
  if (clean) passed++;
  else failed++;

  await browser.close();
  server.server.close();
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
