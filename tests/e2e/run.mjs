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
// The pages themselves (slugs, which are ready, their examples) come from the build: see PAGES below.
const LIFECYCLE = 'containers-lifecycle';
const CONTAINER_STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'dead'];
const GOAL_STATUSES = ['met', 'pending', 'failed'];
const URL_PARAMS = ['page', 'scenario', 'seed', 'step']; // kept in the URL (history.replaceState)
const STEP_LABEL = /step\s+(\d+)\s*\/\s*(\d+)/i; // "step 3 / 10"
const RUN_WEB = 'docker run -d --name web -p 8080:80 nginx';
const BAD_FLAG = 'docker run --bogus nginx';
const BAD_FLAG_ERROR = 'unknown flag: --bogus';
const CONTAINER_ID = /\b[0-9a-f]{64}\b/g;
// A compose file with the usual production mistakes (the your-file case).
const YOUR_FILE = `services:
  web:
    image: nginx:latest
    ports:
      - "8080:80"
    depends_on:
      - db
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
`;
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
// The learning path as the site was built with it: src/bin/prerender.rs writes the catalogue's list
// of pages (src/scenario/catalogue.rs) as pages.json. Every per-page loop below takes its pages from
// it, so a new page is tested without touching this file.
const PAGES = (() => {
  const file = path.join(DIST, 'pages.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file} (build the site first: make site): ${e.message}`);
  }
})();
const LEARNING_PATH = PAGES.map((p) => p.slug);
const READY = PAGES.filter((p) => p.ready).map((p) => p.slug);
// The home page draws the path by phase (src/scenario/phases.rs; pages.json gives each page's
// phase, null for troubleshooting), then the pages in no phase: the practice project (phase 4)
// comes before the troubleshooting notes there.
const HOME_ORDER = [...PAGES.filter((p) => p.phase != null).sort((a, b) => a.phase - b.phase), ...PAGES.filter((p) => p.phase == null)];
const HOME_PATH = HOME_ORDER.map((p) => p.slug);
const HOME_READY = HOME_ORDER.filter((p) => p.ready).map((p) => p.slug);
// Where the learner's progress is kept (src/scenario/progress.rs STORAGE_KEY).
const PROGRESS_KEY = 'dockyard.progress';
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

// The `/*` block of dist/_headers (the file Netlify and Cloudflare Pages read), sent with every
// response as such a host would: the Content-Security-Policy then applies twice, as a header and
// as each page's <meta>, and both must allow everything the site does.
function hostHeaders(dir) {
  const headers = {};
  let inAll = false;
  for (const line of fs.readFileSync(path.join(dir, '_headers'), 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === '/*';
      continue;
    }
    const colon = line.indexOf(':');
    if (inAll && colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function startServer(dir = DIST) {
  const misses = []; // paths answered with 404 (the browser's own /favicon.ico aside)
  const extra = hostHeaders(dir);
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
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep)) return notFound();
    try {
      const body = await fsp.readFile(file);
      res.writeHead(200, {
        ...extra,
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
    // Every Content-Security-Policy violation in any page or frame (an embed) is a console error,
    // and so a problem of the case.
    await this.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`);
      });
    });
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
  // The built pages are prerendered: their markup is there before the wasm, so wait for the live
  // app (`<html data-live>`, set on its first render) before touching anything.
  async open(params, ready) {
    await this.page.goto(this.url(params), { waitUntil: 'load' });
    await this.waitLive();
    await this.waitVisible(ready);
  }
  async waitLive() {
    try {
      await this.page.locator('html[data-live]').waitFor({ state: 'attached', timeout: WAIT_MS });
    } catch {
      throw new Failure(`the app did not start within ${WAIT_MS} ms (no <html data-live>)`);
    }
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

// axe-core (npm devDependency), injected into the page under test.
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const AXE_SOURCE = fs.existsSync(AXE) ? fs.readFileSync(AXE, 'utf8') : 'throw new Error("axe-core is not installed (npm ci)")';
// Runs axe on the whole document; returns the serious and critical violations.
async function axeViolations(page) {
  // Evaluated through DevTools rather than added as a <script>: the site's Content-Security-Policy
  // rightly refuses an inline script it has no hash for.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
      })),
    ),
  );
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
// One violation, its first targets and what axe says about the first.
function formatViolation(v) {
  const targets = v.nodes.slice(0, 4).map((n) => n.target).join(' | ');
  const more = v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : '';
  const why = short((v.nodes[0]?.summary ?? '').replace(/\s+/g, ' '), 220);
  return `${v.id} [${v.impact}] ×${v.nodes.length}: ${v.help} — ${targets}${more} — ${why}`;
}

const cases = [
  {
    name: 'every built page uses only relative URLs (dist/index.html and one <slug>.html per page)',
    browser: false,
    async run() {
      const files = (await fsp.readdir(DIST)).filter((f) => f.endsWith('.html'));
      for (const slug of LEARNING_PATH) check(files.includes(`${slug}.html`), `dist/${slug}.html was not written (the prerender step)`);
      for (const file of files) {
        const html = await fsp.readFile(path.join(DIST, file), 'utf8');
        const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);
        check(refs.length > 0, `dist/${file} references no script or stylesheet`);
        // data: URLs (the inline favicon) are part of the page itself and request nothing.
        const absolute = refs.filter((r) => !r.startsWith('data:') && (r.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(r)));
        check(absolute.length === 0, `absolute URLs in dist/${file}: ${absolute.join(' ')}`);
        const imports = [...html.matchAll(/\bimport\(\s*["']([^"']+)["']|\bfetch\(\s*["']([^"']+)["']|\bfrom\s+["']([^"']+)["']/g)]
          .map((m) => m[1] ?? m[2] ?? m[3]);
        check(imports.length >= 2, `dist/${file}: no loader importing the module and fetching the wasm`);
        const absImports = imports.filter((r) => r.startsWith('/') || /^[a-z]+:/i.test(r));
        check(absImports.length === 0, `absolute URLs in dist/${file}'s loader: ${absImports.join(' ')}`);
      }
    },
  },
  {
    name: 'security: every built page carries the Content-Security-Policy (the same as _headers: self, wasm-unsafe-eval, inline code by hash only) and loads the wasm and module with Subresource Integrity',
    browser: false,
    async run() {
      const header = hostHeaders(DIST)['content-security-policy'];
      check(header, 'dist/_headers sets no Content-Security-Policy for /*');
      const directives = Object.fromEntries(header.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      checkEq(directives['default-src'], ["'self'"], 'default-src');
      checkEq(directives['object-src'], ["'none'"], 'object-src');
      checkEq(directives['base-uri'], ["'none'"], 'base-uri');
      const scripts = directives['script-src'] ?? [];
      checkEq(scripts.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"], 'script-src');
      check(scripts.length > 2 && scripts.slice(2).every((v) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(v)), `script-src allows more than hashes: ${scripts.join(' ')}`);
      for (const v of Object.values(directives).flat()) {
        check(!/unsafe-inline|'unsafe-eval'|\*|https?:/.test(v), `the policy allows ${v}`);
      }
      const files = (await fsp.readdir(DIST)).filter((f) => f.endsWith('.html'));
      for (const file of files) {
        const html = await fsp.readFile(path.join(DIST, file), 'utf8');
        const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/);
        check(meta, `dist/${file} has no Content-Security-Policy <meta>`);
        checkEq(meta[1], header, `dist/${file}'s policy against _headers'`);
        check(html.indexOf(meta[0]) < html.indexOf('<script'), `dist/${file}: a script comes before the policy`);
        check(/fetch\("[^"]+\.wasm", \{ integrity: "sha384-[A-Za-z0-9+/]+=*" \}\)/.test(html), `dist/${file}: the wasm is fetched without integrity`);
        check(/pre\.integrity = "sha384-[A-Za-z0-9+/]+=*"/.test(html), `dist/${file}: the module is loaded without integrity`);
        check(/<link rel="stylesheet"[^>]* integrity="sha384-/.test(html), `dist/${file}: the stylesheet has no integrity`);
      }
    },
  },
  {
    name: 'security: the policy is enforced (an injected inline script is blocked) and a wasm or module changed after the build is refused, not run',
    async run(s) {
      const tmp = await fsp.mkdtemp(path.join(ROOT, 'target', 'e2e-tampered-'));
      const ctx = await s.browser.newContext({ viewport: VIEWPORT });
      try {
        // An inline script added at run time is not among the hashes: the browser refuses it.
        const page = await ctx.newPage();
        await page.goto(`${s.server.base}containers-lifecycle.html`, { waitUntil: 'load' });
        await page.locator('html[data-live]').waitFor({ state: 'attached' });
        const outcome = await page.evaluate(() => new Promise((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(`blocked by ${e.effectiveDirective}`), { once: true });
          window.injected = false;
          const el = document.createElement('script');
          el.textContent = 'window.injected = true';
          document.body.appendChild(el);
          setTimeout(() => resolve(window.injected ? 'ran' : 'no violation event'), 2000);
        }));
        checkEq(outcome, 'blocked by script-src-elem', 'an injected inline script');
        // The same site with one byte changed in the wasm, then in the module.
        for (const ext of ['.wasm', '.js']) {
          const dir = path.join(tmp, ext.slice(1));
          await fsp.cp(DIST, dir, { recursive: true });
          const file = (await fsp.readdir(dir)).find((f) => f.startsWith('dockyard-') && f.endsWith(ext));
          const bytes = await fsp.readFile(path.join(dir, file));
          bytes[bytes.length - 2] ^= 1;
          await fsp.writeFile(path.join(dir, file), bytes);
          const tampered = await startServer(dir);
          try {
            const p = await ctx.newPage();
            await p.goto(`${tampered.base}containers-lifecycle.html`, { waitUntil: 'load' });
            await until(async () => /could not load/.test((await p.locator(tid('loading')).first().textContent()) ?? ''), `a changed ${ext}: no "could not load" note`);
            checkEq(await p.locator('html[data-live]').count(), 0, `the app started from a changed ${ext}`);
            await p.close();
          } finally {
            tampered.server.close();
          }
        }
      } finally {
        await ctx.close();
        await fsp.rm(tmp, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'first paint: with JavaScript disabled every page\'s own file shows its title, picture, narration and goals (and fetches no wasm)',
    async run(s) {
      const ctx = await s.browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
      const wasm = [];
      ctx.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
      try {
        const page = await ctx.newPage();
        await page.goto(s.server.base, { waitUntil: 'load' });
        check((await page.locator(tid('path-item')).count()) === LEARNING_PATH.length, 'the prerendered home does not list the path');
        const ready = await page.locator(`${tid('path-item')}[data-status="ready"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')));
        checkEq(ready, HOME_READY, 'the ready pages on the prerendered home');
        for (const slug of READY) {
          await page.goto(`${s.server.base}${slug}.html`, { waitUntil: 'load' });
          const h1 = ((await page.locator('h1').first().textContent()) ?? '').trim();
          check(h1.length > 0, `${slug}.html: no title`);
          for (const id of ['picture', 'step-label']) {
            check(await page.locator(tid(id)).first().isVisible(), `${slug}.html: ${id} is not visible without JavaScript`);
          }
          const narration = ((await page.locator('.narration-panel').first().textContent()) ?? '').trim();
          check(narration.length > 40, `${slug}.html: the narration is empty without JavaScript`);
          check((await page.locator('.goals-panel li').count()) > 0, `${slug}.html: no goals without JavaScript`);
          check(await page.locator('.noscript-note').first().isVisible(), `${slug}.html: no visible note that stepping needs JavaScript`);
          check(!(await page.locator(tid('loading')).first().isVisible()), `${slug}.html: "Loading the simulation…" shown without JavaScript`);
        }
        checkEq(wasm, [], 'wasm requests with JavaScript disabled');
      } finally {
        await ctx.close();
      }
    },
  },
  {
    name: 'first paint: a page and an embed show their prerendered layout while the wasm loads, then the app takes over',
    async run(s) {
      let release;
      const gate = new Promise((r) => { release = r; });
      await s.context.route('**/*.wasm', async (route) => { await gate; await route.continue(); });
      await s.page.goto(`${s.server.base}swarm-basics.html`, { waitUntil: 'domcontentloaded' });
      await s.waitVisible(tid('loading'), 'the loading note of the prerendered page');
      check(await s.page.locator(tid('picture')).first().isVisible(), 'no prerendered picture while the wasm loads');
      check(/swarm/i.test(await s.text('h1')), `prerendered title: ${await s.text('h1')}`);
      check((await s.page.locator('html[data-live]').count()) === 0, 'data-live before the wasm arrived');
      const embedPage = await s.newPage();
      await embedPage.goto(`${s.server.base}swarm-basics.html?embed`, { waitUntil: 'domcontentloaded' });
      await embedPage.locator('.embed-layout').first().waitFor({ state: 'visible' });
      checkEq(await embedPage.locator('.lesson').count(), 0, 'full-page layout in the embed first paint');
      release();
      await s.waitLive();
      await until(async () => (await s.page.locator(tid('loading')).count()) === 0, 'the loading note stayed after the app started');
      await s.waitVisible(tid('terminal-input'));
      check(STEP_LABEL.test(await s.text(tid('step-label'))), 'no live step label');
      checkEq(await s.page.locator('#prerender').count(), 0, 'the prerendered markup is still there beside the live app');
      await embedPage.locator('html[data-live]').waitFor({ state: 'attached' });
      check(await embedPage.locator('.embed-layout').first().isVisible(), 'the live embed has no embed layout');
      await embedPage.close();
    },
  },
  {
    name: 'first paint: an old-style index.html?page=… link (an embed in a note) goes to that page\'s own file, query kept',
    async run(s) {
      await s.page.goto(`${s.server.base}index.html?page=swarm-basics&scenario=swarm-drain-for-maintenance&embed`, { waitUntil: 'load' });
      await s.waitLive();
      const url = new URL(s.page.url());
      check(url.pathname.endsWith('/swarm-basics.html'), `still at ${url.pathname}`);
      checkEq(url.searchParams.get('scenario'), 'swarm-drain-for-maintenance', 'scenario kept through the redirect');
      check(await s.page.locator('.embed-layout').first().isVisible(), 'not the embed layout after the redirect');
    },
  },
  {
    name: 'lite embed: a note with five lite embeds downloads no wasm until one start button is pressed',
    async run(s) {
      // The page's own snippet offers the lite embed.
      await s.open({ page: 'containers-lifecycle' }, tid('embed-snippet'));
      await s.locator(tid('embed-lite')).check();
      await until(async () => /&amp;lite|&lite/.test(await s.text(tid('embed-snippet'))), 'the snippet has no &lite after ticking Lite');
      const slugs = ['containers-lifecycle', 'swarm-basics', 'compose-healthchecks', 'volumes-persistence', 'network-isolation'];
      const frames = slugs
        .map((slug) => `<iframe src="${s.server.base}${slug}.html?embed&lite" width="640" height="400" title="${slug}"></iframe>`)
        .join('');
      // The note is written over one of our pages (same origin: Chromium will not load a local
      // address into about:blank), so it lives under our policy: no inline style in it.
      await s.page.goto(`${s.server.base}index.html`, { waitUntil: 'load' });
      await s.waitLive();
      const before = s.requests.filter((u) => u.endsWith('.wasm')).length;
      await s.page.setContent(`<!doctype html><html lang="en"><head><title>A note</title></head><body><main>${frames}</main></body></html>`);
      const inFrame = (slug) => s.page.frames().find((f) => f.url().includes(`/${slug}.html`));
      for (const slug of slugs) {
        const frame = await until(() => inFrame(slug), `the ${slug} iframe did not load`);
        await frame.locator(tid('lite-start')).waitFor({ state: 'visible' });
        check(await frame.locator(tid('picture')).first().isVisible(), `${slug}: the lite embed shows no picture`);
      }
      await sleep(500);
      checkEq(s.requests.filter((u) => u.endsWith('.wasm')).length - before, 0, 'wasm requests from five lite embeds before a click');
      const frame = inFrame('swarm-basics');
      await frame.locator(tid('lite-start')).click();
      await frame.locator('html[data-live]').waitFor({ state: 'attached' });
      check(s.requests.filter((u) => u.endsWith('.wasm')).length - before >= 1, 'no wasm request after pressing start');
      check(await frame.locator(tid('step-label')).first().isVisible(), 'the started lite embed has no stepper');
      check((await inFrame('containers-lifecycle').locator('html[data-live]').count()) === 0, 'a lite embed that was not pressed started');
    },
  },
  {
    name: `home lists the ${LEARNING_PATH.length} pages, the ready ones as ready, and containers-lifecycle opens`,
    async run(s) {
      await s.open({}, tid('home'));
      const items = await s.locator(tid('path-item')).evaluateAll((els) =>
        els.map((e) => ({
          slug: e.getAttribute('data-slug'),
          status: e.getAttribute('data-status'),
          hrefs: [...e.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        })),
      );
      checkEq(items.map((i) => i.slug), HOME_PATH, 'path-item data-slug values, in order (by phase, then troubleshooting)');
      checkEq(items.filter((i) => i.status === 'ready').map((i) => i.slug), HOME_READY, 'the ready pages');
      for (const i of items) {
        check(['ready', 'coming'].includes(i.status), `${i.slug}: data-status "${i.status}"`);
        if (i.status === 'ready') {
          check(
            i.hrefs.some((h) => {
              const u = new URL(h, s.server.base);
              return u.searchParams.get('page') === i.slug || u.pathname.endsWith(`/${i.slug}.html`);
            }),
            `${i.slug} is ready but has no <a> to ${i.slug}.html or ?page=${i.slug} (links: ${i.hrefs.join(' ') || 'none'})`,
          );
        }
      }
      checkEq(items.find((i) => i.slug === LIFECYCLE)?.status, 'ready', `${LIFECYCLE} data-status`);
      // Following the link stays under the sub-path and opens the page.
      await s.locator(`${tid('path-item')}[data-slug="${LIFECYCLE}"] a[href]`).first().click();
      await s.page.waitForURL((u) => u.pathname.endsWith(`/${LIFECYCLE}.html`), { waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('picture'), 'the lifecycle picture after following the home link');
      const url = new URL(s.page.url());
      check(url.pathname.startsWith(SUB_PATH), `the link left the sub-path: ${url.pathname}`);
      checkEq(url.searchParams.get('page'), LIFECYCLE, 'page parameter after following the link');
    },
  },
  {
    name: 'progress: a scenario played to its end shows as done on the home page; a checkpoint challenge shows; a corrupt value is reset with a notice; reset asks first, then clears',
    async run(s) {
      const stored = () => s.page.evaluate((k) => localStorage.getItem(k), PROGRESS_KEY);
      const store = (v) => s.page.evaluate(([k, v]) => localStorage.setItem(k, v), [PROGRESS_KEY, v]);
      const attr = (sel, name) => s.locator(sel).first().getAttribute(name);
      const item = (slug) => `${tid('path-item')}[data-slug="${slug}"] ${tid('path-progress')}`;
      const phase = (n, id) => `${tid('phase')}[data-phase="${n}"] ${tid(id)}`;
      const home = async () => {
        await s.open({}, tid('home'));
        await until(async () => (await attr(tid('progress'), 'data-state')) === 'loaded', 'the home page never read the progress');
      };
      const lifecycle = PAGES.find((p) => p.slug === LIFECYCLE);
      const first = lifecycle.scenarios[0];
      await home();
      checkEq(await attr(item(LIFECYCLE), 'data-done'), '0', 'done on a fresh browser');
      checkEq(await attr(item(LIFECYCLE), 'data-total'), String(lifecycle.scenarios.length), 'the page\'s scenarios');
      checkEq(await s.locator(tid('progress-reset')).count(), 0, 'reset buttons with nothing to reset');
      checkEq(await s.locator(tid('progress-notice')).count(), 0, 'notices with nothing stored');
      // Play the page's first scenario to its last step (a link to that step): every goal met.
      await openLifecycle(s, { scenario: first });
      const { total } = await s.stepInfo();
      await openLifecycle(s, { scenario: first, step: String(total) });
      await until(async () => {
        const goals = await s.locator(tid('goal')).evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
        return goals.length > 0 && goals.every((g) => g === 'met');
      }, `${first}: the goals are not all met at step ${total}`);
      await until(async () => (await stored()) !== null, `nothing stored after ${first} reached its end`);
      checkEq(JSON.parse(await stored()), { v: 1, done: [`scenario:${first}`] }, 'the stored progress');
      // The home page counts it: the page, its phase, the path.
      await home();
      checkEq(await attr(item(LIFECYCLE), 'data-done'), '1', `${LIFECYCLE} done`);
      check(/^1\/\d+ scenarios? done$/.test(await s.text(item(LIFECYCLE))), `the page's count reads "${await s.text(item(LIFECYCLE))}"`);
      checkEq(await attr(phase(1, 'phase-count'), 'data-done'), '1', 'phase 1 done');
      check(/^1 of \d+ scenarios done$/.test(await s.text(phase(1, 'phase-count'))), `phase 1 reads "${await s.text(phase(1, 'phase-count'))}"`);
      checkEq(await s.text(phase(1, 'phase-hours')), '20 h', 'phase 1 hours');
      checkEq(await attr(tid('progress-total'), 'data-done'), '1', 'done on the whole path');
      checkEq(await attr(phase(1, 'phase-checkpoint'), 'data-status'), 'open', 'phase 1 checkpoint before its challenge');
      // A checkpoint challenge done (what the challenges record) shows its phase's checkpoint passed.
      await store(JSON.stringify({ v: 1, done: ['challenge:phase-1', `scenario:${first}`] }));
      await home();
      checkEq(await attr(phase(1, 'phase-checkpoint'), 'data-status'), 'passed', 'phase 1 checkpoint after challenge:phase-1');
      check(/Checkpoint passed: You can build optimized images/.test(await s.text(phase(1, 'phase-checkpoint'))), 'the checkpoint sentence');
      checkEq(await attr(phase(2, 'phase-checkpoint'), 'data-status'), 'open', 'phase 2 checkpoint');
      const axeNow = async (where) => {
        const found = await axeViolations(s.page);
        check(found.length === 0, `axe on the home page ${where}: ${found.map(formatViolation).join(' / ')}`);
      };
      await axeNow('with progress and a passed checkpoint');
      // Reset asks in the page: "Keep it" keeps everything.
      await s.locator(tid('progress-reset')).click();
      await s.waitVisible(tid('progress-reset-ask'));
      check(await s.page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'progress-reset-cancel'), 'the focus is not on "Keep it"');
      await axeNow('asking to reset');
      await s.locator(tid('progress-reset-cancel')).click();
      await s.waitVisible(tid('progress-reset'));
      checkEq(await attr(item(LIFECYCLE), 'data-done'), '1', 'done after "Keep it"');
      check((await stored()) !== null, 'the progress was removed after "Keep it"');
      // "Yes, reset" clears it, in the page and in storage.
      await s.locator(tid('progress-reset')).click();
      await s.locator(tid('progress-reset-confirm')).click();
      await until(async () => (await attr(tid('progress-total'), 'data-done')) === '0', 'the total did not go to 0 after the reset');
      checkEq(await attr(item(LIFECYCLE), 'data-done'), '0', `${LIFECYCLE} after the reset`);
      checkEq(await attr(phase(1, 'phase-checkpoint'), 'data-status'), 'open', 'phase 1 checkpoint after the reset');
      checkEq(await stored(), null, 'the stored progress after the reset');
      // A corrupt value: a notice, no progress, no crash; it is replaced, so the notice shows once.
      for (const [raw, why] of [['{"v":1,"done":[', 'it is not JSON'], ['{"v":2,"done":["scenario:x"]}', 'version 2']]) {
        await store(raw);
        await home();
        await s.waitVisible(tid('progress-notice'), `the notice for ${raw}`);
        const notice = await s.text(tid('progress-notice'));
        check(notice.includes('could not be read') && notice.includes(why) && notice.includes('was reset'), `the notice for ${raw}: ${notice}`);
        await axeNow(`with the notice for ${raw}`);
        checkEq(await attr(tid('progress-total'), 'data-done'), '0', `done after ${raw}`);
        checkEq(await stored(), null, `the stored value after ${raw} was reset`);
        await home();
        checkEq(await s.locator(tid('progress-notice')).count(), 0, `the notice for ${raw} after a second visit`);
      }
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
      await s.waitLive();
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
    name: 'links: after stepping, running past the end, typing (applied and refused) and clear, a reload shows the same step, clock and terminal',
    async run(s) {
      const starts = [
        ['swarm-overlay-networks', 'swarm-mesh-any-node', 'docker service ls'],
        ['containers-lifecycle', 'stop-grace-period', RUN_WEB],
      ];
      let seed = 11; // a fixed walk: the same actions every run
      const rnd = (n) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      for (const [page, scenario, command] of starts) {
        await s.open({ page, scenario }, tid('picture'));
        await s.waitVisible(tid('step-label'));
        const done = [];
        for (let i = 0; i < 9; i++) {
          const a = i === 0 ? 2 : rnd(6);
          done.push(a);
          const before = await s.output();
          if (a === 0) await s.step('step-forward');
          else if (a === 1) await s.step('step-back');
          else if (a === 2) {
            // To the end of the story, then → past it (nothing visible may change).
            for (let k = 0; k < 20 && (await s.step('step-skip')); k++);
            await s.step('step-forward');
          } else {
            const line = a === 3 ? command : a === 4 ? 'docker stop nobody' : 'clear';
            await s.type(line);
            await until(async () => (await s.output()) !== before || line === 'clear', `typing "${line}" printed nothing`);
            await sleep(300);
          }
        }
        const here = { label: await s.text(tid('step-label')), out: await s.output(), url: s.page.url() };
        await s.page.goto(here.url, { waitUntil: 'load' });
        await s.waitLive();
        await s.waitVisible(tid('step-label'));
        try {
          await until(async () => (await s.text(tid('step-label'))) === here.label, '');
        } catch {
          checkEq(await s.text(tid('step-label')), here.label, `${page}: step label and clock after reload (actions ${done})`);
        }
        checkEq(await s.output(), here.out, `${page}: terminal after reload (actions ${done}, ${here.url})`);
      }
    },
  },
  {
    name: 'swarm pages: every example chip, clicked and entered in order, is understood (free play and the first scenario)',
    async run(s) {
      const refusals = ['No such container', 'not simulated', 'command not found', 'unknown command', 'No swarm lab here', 'could not be applied'];
      const swarmPages = PAGES.filter((p) => p.start === 'swarm').map((p) => p.slug);
      check(swarmPages.length >= 3, `only ${swarmPages.length} pages start on a swarm`);
      for (const page of swarmPages) {
        for (const scenario of ['free', undefined]) {
          await s.open({ page, scenario }, tid('picture'));
          await s.waitVisible(tid('step-label'));
          const chips = s.locator('.examples .chip');
          const n = await chips.count();
          check(n > 0, `${page}: no example chips`);
          for (let i = 0; i < n; i++) {
            const text = ((await chips.nth(i).textContent()) ?? '').trim();
            const before = await s.output();
            await chips.nth(i).click();
            await s.locator(tid('terminal-input')).first().press('Enter');
            await until(async () => (await s.output()) !== before, `${page}: "${text}" printed nothing`);
            // Let the prompt come back (sleep 30, a service that converges) before the next one.
            for (let k = 0; k < 80 && (await s.locator(tid('busy-hint')).count()) > 0; k++) {
              if (!(await s.step('step-forward'))) break;
            }
          }
          const out = await s.output();
          for (const bad of refusals) check(!out.includes(bad), `${page} (${scenario ?? 'first scenario'}): "${bad}" in the terminal:\n${short(out, 2000)}`);
          check(out.includes('ID') && out.length > 200, `${page}: the examples printed too little:\n${out}`);
        }
      }
    },
  },
  {
    name: 'every ready page offers its own examples under the terminal and names its own free play (and none in the embed)',
    async run(s) {
      for (const p of PAGES.filter((q) => q.ready)) {
        await s.open({ page: p.slug, scenario: 'free' }, tid('picture'));
        await s.waitVisible(tid('step-label'));
        // A here-document's chip shows its first line and "…".
        const want = p.examples.map((e) => (e.includes('\n') ? `${e.split('\n')[0]} …` : e));
        const chips = await s.locator('.examples .chip').evaluateAll((els) => els.map((e) => e.textContent.trim()));
        checkEq(chips, want, `${p.slug}: the example chips`);
        checkEq(await s.locator(tid('terminal-input')).first().getAttribute('placeholder'), p.examples[0].split('\n')[0], `${p.slug}: the prompt's placeholder`);
        const free = await s.locator(`${tid('scenario-select')} option[value="free"]`).first().textContent();
        checkEq(free.trim(), p.free_play, `${p.slug}: the free play option`);
        const options = await s.locator(`${tid('scenario-select')} option`).evaluateAll((els) => els.map((e) => e.value));
        checkEq(options, [...p.scenarios, 'free'], `${p.slug}: the scenario picker`);
      }
      await s.open({ page: READY[0], embed: true }, tid('picture'));
      checkEq(await s.locator('.examples .chip').count(), 0, 'example chips in the embed');
    },
  },
  {
    name: 'the end of a scenario: the total stays, → says which event it runs (or is disabled), steps past it are labelled, play stops at the end',
    async run(s) {
      await s.open({ page: 'restart-config-not-applied' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      // Shift+→ skips to the next narrated moment, the step the ▸▸ button names.
      const first = await s.stepInfo();
      const skipTitle = (await s.locator(tid('step-skip')).first().getAttribute('title')) ?? '';
      const target = Number(/step (\d+)/.exec(skipTitle)?.[1]);
      check(target > first.step, `the skip button names no later step: "${skipTitle}"`);
      await s.blur();
      await s.page.keyboard.press('Shift+ArrowRight');
      checkEq((await s.labelChangedFrom(first.label, 'Shift+ArrowRight')).step, target, 'step after Shift+ArrowRight');
      for (let k = 0; k < 30 && (await s.step('step-skip')); k++);
      const end = await s.stepInfo();
      checkEq(end.step, end.total, 'step at the end after skipping');
      check(!(await s.isEnabled('step-skip')), 'skip is still enabled at the end');
      check((await s.locator(tid('narration-end')).count()) === 1, 'no end-of-scenario mark in the narration');
      const title = (await s.locator(tid('step-forward')).first().getAttribute('title')) ?? '';
      check(/^Run the next scheduled event: .+ at \d+:\d\d:\d\d/.test(title), `→ at the end is titled "${title}"`);
      await s.step('step-forward');
      await s.step('step-forward');
      const past = await s.stepInfo();
      checkEq(past.total, end.total, 'the total after two → past the end');
      checkEq(past.step, end.step + 2, 'the step after two → past the end');
      check((await s.text(tid('past-end'))).includes('+2 past the scenario'), `no "+2 past the scenario": ${await s.text(tid('step-label'))}`);
      // Play from just before the end stops at the end, not past it.
      await s.page.locator(tid('scrubber')).first().fill(String(end.total - 2));
      await s.labelChangedFrom(past.label, 'seeking with the scrubber');
      await s.page.locator(tid('play')).first().click();
      await until(async () => (await s.stepInfo()).step === end.total, 'play did not reach the end');
      await sleep(2000);
      checkEq((await s.stepInfo()).step, end.total, 'step 2 s after play reached the end');
      // Where nothing is scheduled at the end, → is disabled and says so.
      await s.open({ page: 'swarm-basics', scenario: 'swarm-worker-dies' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      for (let k = 0; k < 30 && (await s.step('step-skip')); k++);
      check(!(await s.isEnabled('step-forward')), '→ is enabled at the end of swarm-worker-dies');
      const done = (await s.locator(tid('step-forward')).first().getAttribute('title')) ?? '';
      check(done.startsWith('The end'), `→ at the end is titled "${done}"`);
      check(/\d+:\d\d:\d\d/.test(await s.text(tid('step-label'))), `the clock is not h:mm:ss: ${await s.text(tid('step-label'))}`);
    },
  },
  {
    name: 'a long run\'s narration shows the steps around the current one, and all of them on request; the current entry is in it after a seek',
    async run(s) {
      await s.open({ page: 'disk-full-logs' }, tid('step-label'));
      const total = Number(STEP_LABEL.exec(await s.text(tid('step-label')))[2]);
      check(total > 41, `the disk-full scenario is only ${total} steps: pick a longer one for this case`);
      const seekTo = async (k) => {
        await s.locator(tid('scrubber')).first().evaluate((el, k) => {
          el.value = String(k);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, k);
        await until(async () => Number(STEP_LABEL.exec(await s.text(tid('step-label')))[1]) === k, `the stepper did not reach step ${k}`);
      };
      const shown = () => s.locator(tid('narration-entry')).evaluateAll((els) => els.map((e) => Number(e.dataset.step)));
      const middle = Math.floor(total / 2);
      await seekTo(middle);
      let steps = await shown();
      check(steps.length <= 41, `${steps.length} narration entries shown of ${total}`);
      check(steps.includes(middle) && steps.includes(middle - 20) && steps.includes(middle + 20), `the window around ${middle}: ${steps[0]}…${steps[steps.length - 1]}`);
      check((await s.locator(`${tid('narration-entry')}[aria-current="step"]`).count()) === 1, 'no current entry');
      check(/earlier steps/.test(await s.text(tid('narration-earlier'))), 'no button for the earlier steps');
      check(/later steps/.test(await s.text(tid('narration-later'))), 'no button for the later steps');
      // One step forward moves the window by one row: the rows still in it are the same elements
      // (the list is diffed by key), not rebuilt, which cost a whole re-layout on every step.
      await s.locator(tid('narration-entry')).evaluateAll((els) => els.forEach((e) => { e.dockyardMark = e.dataset.step; }));
      // The same for the terminal: its rows up to here stay the same elements when a step adds to it.
      const rows = `${tid('terminal-output')} > .ln`;
      const before = await s.locator(rows).evaluateAll((els) => { els.forEach((e, i) => { e.dockyardMark = i; }); return els.length; });
      await seekTo(middle + 1);
      const kept = await s.locator(tid('narration-entry')).evaluateAll((els) => els.filter((e) => e.dockyardMark === e.dataset.step).length);
      checkEq(kept, (await shown()).length - 1, 'narration rows kept across one step (all but the one that came into the window)');
      const keptRows = await s.locator(rows).evaluateAll((els) => els.filter((e, i) => e.dockyardMark === i).length);
      check(before > 0, 'the terminal is empty in the middle of the run');
      checkEq(keptRows, before, 'terminal rows kept across one step');
      await seekTo(total);
      check((await shown()).includes(total), 'the last step is not shown after seeking to the end');
      await s.locator(`${tid('narration-earlier')} button`).click();
      await until(async () => (await shown()).length === total, 'show all did not show every step');
      checkEq(await s.locator(tid('narration-earlier')).count(), 0, 'the earlier-steps button after show all');
    },
  },
  {
    name: 'switching scenario after typing asks first; cancel keeps the scenario and the command, OK switches',
    async run(s) {
      await openLifecycle(s);
      const before = await s.stepInfo();
      await s.type(RUN_WEB);
      await s.labelChangedFrom(before.label, `typing "${RUN_WEB}"`);
      const scenario = s.params().get('scenario');
      const select = s.locator(tid('scenario-select')).first();
      const other = await select.evaluate((el) => [...el.options].map((o) => o.value).find((v) => v !== el.value));
      let message = '';
      s.page.once('dialog', (d) => {
        message = d.message();
        d.dismiss();
      });
      await select.selectOption(other);
      await until(async () => message !== '', 'no confirm dialog when switching after typing');
      checkEq(message, 'Switch scenario? Your 1 command in this one will be lost.', 'the confirm text');
      await sleep(300);
      checkEq(await select.inputValue(), scenario, 'the select after cancelling');
      checkEq(s.params().get('scenario'), scenario, 'the scenario after cancelling');
      check((await s.output()).includes(RUN_WEB), 'the command is gone after cancelling');
      s.page.once('dialog', (d) => d.accept());
      await select.selectOption(other);
      await until(async () => s.params().get('scenario') === other, 'OK did not switch the scenario');
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
      // Needs the page's `lesson` in src/scenario/catalogue.rs (else the app shows "coming soon").
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
      await until(async () => (await s.text(`${tid('compose-row')}[data-container="app-api-1"] ${tid('compose-restarts')}`)) === '2', 'the table does not show api\'s 2 restarts');
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
    name: 'traefik-integration: the routers Traefik read from the swarm, the last request lit with its status, a typed curl re-lights it; step back and forward; embed',
    async run(s) {
      const TI = 'traefik-integration';
      // The last step of traefik-stack-two-services: the 404 of `curl -i http://localhost/`.
      await s.open({ page: TI, scenario: 'traefik-stack-two-services', step: '19' }, tid('picture'));
      const router = (key) => `${tid('traefik-node')}[data-key="${key}"]`;
      await until(async () => (await s.locator(router('whoami@swarm')).count()) > 0, 'no whoami@swarm router at the last step');
      check((await s.locator(router('web@swarm')).count()) > 0, 'no web@swarm router');
      await until(async () => /404/.test(await s.text(tid('traefik-last'))), 'the last request is not shown with its 404');
      check((await s.visibleCount(tid('traffic-chart'))) > 0, 'no traffic chart in the side panel');
      check((await s.visibleCount(tid('traefik-no-cert'))) > 0, 'no certificates line in the side panel');
      await s.type('curl http://whoami.localhost/');
      await until(async () => /200/.test(await s.text(tid('traefik-last'))), 'the typed curl\'s 200 is not shown');
      check(/X-Forwarded-Host: whoami\.localhost/.test(await s.output()), 'the terminal does not show whoami\'s echo of the forwarded request');
      check((await s.locator(`${router('whoami@swarm')}.lit`).count()) > 0, 'the whoami router is not lit for the last request');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      check((await s.snapshot()).picture !== after.picture, 'the picture did not change on step-back');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: TI, embed: true }, tid('picture'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
    },
  },
  {
    name: 'backup-strategies: the archive joins the copies, the disaster is a red line, the restore\'s arrow comes from the backup it replayed, a typed pg_dump adds a mark; step back and forward; embed',
    async run(s) {
      const BS = 'backup-strategies';
      const SC = 'backup-volume-tar-restore';
      const archive = `${tid('backup-copy')}[data-path$="/pgdata-2026-01-05.tar.gz"]`;
      const volume = (name) => `${tid('backup-volume')}[data-name="${name}"]`;
      // Step 16 (after `tar tzf`): the archive sits on this host's disk next to the live volume.
      await s.open({ page: BS, scenario: SC, step: '16' }, tid('backups-timeline'));
      await until(async () => (await s.locator(archive).count()) > 0, 'the archive is not in the copy list at step 16');
      check(/tar at 09:00:05 · 2 rows/.test(await s.text(archive)), `the archive does not say what it holds: ${await s.text(archive)}`);
      check((await s.locator(volume('pgdata')).count()) > 0, 'the volume pgdata is not listed as live data');
      checkEq(await s.locator(`${tid('backup-mark')}[data-tool="tar"][data-rows="2"][data-consistent="true"]`).count(), 1, 'tar marks of 2 rows on the time line');
      checkEq(await s.locator(tid('backup-disaster')).count(), 0, 'disaster lines before the disaster');
      checkEq(await s.locator(tid('rule-321')).getAttribute('data-holds'), 'false', '3-2-1 with one backup on the same disk');
      checkEq(await s.locator(`${tid('rule-321-line')}[data-ok="false"]`).count(), 3, 'crossed 3-2-1 lines (2 copies, 1 medium, 0 off-site)');
      // Step 17: the volume is deleted with its container: a red line on the time line; the archive stays.
      check(await s.step('step-forward'), 'step-forward is disabled at step 16');
      await until(async () => (await s.locator(`${tid('backup-disaster')}[data-what="delete-volume pgdata"]`).count()) > 0, 'no disaster line after ! delete-volume pgdata');
      checkEq(await s.locator(volume('pgdata')).count(), 0, 'pgdata listed after its deletion');
      check((await s.locator(archive).count()) > 0, 'the archive left the copy list with the volume');
      // Step 20: tar xzf into pgdata2 replayed the archive: the restore points back at backup 0, the time to restore is measured.
      await s.open({ page: BS, scenario: SC, step: '20' }, tid('backups-timeline'));
      await until(async () => (await s.locator(`${tid('backup-restore')}[data-from="0"]`).count()) > 0, 'no restore from the tar backup at step 20');
      check((await s.visibleCount(tid('backups-took'))) > 0, 'no time-to-restore bracket on the time line');
      check(/time to restore: \d/.test(await s.text(tid('backups-took'))), `the bracket does not say the time to restore: ${await s.text(tid('backups-took'))}`);
      check(/no write time/.test(await s.text(tid('backups-objectives'))), 'the side panel does not say the rows carry no write time (so no data lost is measured)');
      check((await s.visibleCount(tid('backups-writer'))) > 0, 'no writer line in the side panel');
      // At the end db2 runs on the restored volume; a typed pg_dump adds a second backup and a second copy.
      await s.open({ page: BS, scenario: SC, step: '99' }, tid('backups-timeline'));
      await until(async () => (await s.locator(volume('pgdata2')).count()) > 0, 'pgdata2 is not listed at the end');
      await s.type('docker exec db2 pg_dump -U postgres -Fc postgres > db2.dump');
      await until(async () => (await s.locator(`${tid('backup-mark')}[data-tool="pg_dump -Fc"]`).count()) > 0, 'the typed pg_dump left no mark on the time line');
      await until(async () => (await s.locator(`${tid('backup-copy')}[data-path$="/db2.dump"]`).count()) > 0, 'db2.dump is not in the copy list');
      checkEq(await s.locator(tid('backup-copy')).count(), 2, 'backup files listed');
      const after = await s.snapshot();
      check(await s.step('step-back'), 'step-back is disabled');
      check((await s.snapshot()).picture !== after.picture, 'the picture did not change on step-back');
      checkEq(await s.locator(`${tid('backup-mark')}[data-tool="pg_dump -Fc"]`).count(), 0, 'pg_dump marks before the pg_dump');
      check(await s.step('step-forward'), 'step-forward is disabled');
      checkEq((await s.snapshot()).picture, after.picture, 'picture after step-forward');
      await s.open({ page: BS, scenario: SC, step: '17', embed: true }, tid('backups-timeline'));
      checkEq(await s.visibleCount(CHROME), 0, `visible site header/nav (${CHROME}) in embed mode`);
      check((await s.locator(tid('backup-disaster')).count()) > 0, 'no disaster line in the embed at step 17');
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
      const started = async () => ((await s.output()).match(/Container \S+-web-1\s+Started/g) ?? []).length;
      await s.type('docker compose restart web');
      await stepUntil(async () => (await started()) >= 2, 'docker compose restart never printed Started');
      check((await s.visibleCount(tid('compose-drift'))) > 0, 'compose restart cleared the OLD config note (it must not)');
      await s.type('docker compose up -d');
      await stepUntil(async () => (await s.locator(tid('compose-drift')).count()) === 0, 'up -d did not clear the OLD config note');
      await stepUntil(async () => (await s.locator(web).count()) > 0, 'service web is not running after the recreate');
    },
  },
  {
    name: 'embed in a real iframe: at 640×400 and 800×500 the picture, the stepper and the current narration line are in the frame; at the snippet\'s 560 the terminal takes a command',
    async run(s) {
      // A note's page holding the embed, as the site's snippet writes it.
      const frameAt = async (params, width, height) => {
        await s.page.setViewportSize({ width: Math.max(1280, Number(width) || 0), height: Math.max(800, height + 40) });
        const src = s.url({ ...params, embed: true }).replace(/"/g, '%22');
        await s.page.setContent(
          `<!doctype html><html lang="en"><title>My notes</title><body style="margin:0;padding:20px 0">` +
            `<iframe src="${src}" width="${width}" height="${height}" style="border:0" title="Dockyard"></iframe></body></html>`,
        );
        const frame = await until(() => s.page.frames().find((f) => f.url().includes('embed')), 'the iframe did not load the embed');
        await frame.waitForSelector(tid('now-line'), { state: 'visible', timeout: WAIT_MS });
        await frame.waitForSelector(tid('step-label'), { state: 'visible', timeout: WAIT_MS });
        return frame;
      };
      // Which of these are not wholly inside the frame's viewport (without scrolling), and overflow.
      const outside = (frame, ids) =>
        frame.evaluate((ids) => {
          const bad = [];
          for (const id of ids) {
            const e = document.querySelector(`[data-testid="${id}"]`);
            if (!e) { bad.push(`${id}: missing`); continue; }
            const r = e.getBoundingClientRect();
            if (r.height < 1 || r.top < -0.5 || r.left < -0.5 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) {
              bad.push(`${id}: ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)} in ${innerWidth}×${innerHeight}`);
            }
          }
          if (document.documentElement.scrollWidth > innerWidth + 1) bad.push(`the page is ${document.documentElement.scrollWidth} px wide in ${innerWidth}`);
          return bad;
        }, ids);
      const COMPACT = ['picture', 'step-back', 'step-forward', 'step-label', 'now-line'];
      for (const [page, w, h] of [['swarm-basics', 640, 400], [LIFECYCLE, 640, 400], ['compose-healthchecks', 800, 500], ['swarm-overlay-networks', 800, 500]]) {
        const frame = await frameAt({ page, step: '2' }, String(w), h);
        const bad = await outside(frame, COMPACT);
        check(bad.length === 0, `${page} at ${w}×${h}: not in the frame: ${bad.join('; ')}`);
        // The picture gets a real share of the frame, not a strip.
        const pictureH = await frame.evaluate(() => document.querySelector('[data-testid="picture"]').getBoundingClientRect().height);
        check(pictureH >= h * 0.45, `${page} at ${w}×${h}: the picture is only ${Math.round(pictureH)} px tall`);
        // Stepping in the frame: the line follows the step, and stays in view.
        await frame.click(tid('step-forward'));
        await until(async () => (await frame.getAttribute(tid('now-line'), 'data-step')) === '3', `${page} at ${w}×${h}: the narration line did not follow to step 3`);
        check((await frame.textContent(tid('now-line'))).trim().length > 8, `${page}: the narration line is empty`);
        const after = await outside(frame, COMPACT);
        check(after.length === 0, `${page} at ${w}×${h} after a step: not in the frame: ${after.join('; ')}`);
        // The terminal is below: reachable by scrolling the frame, and it takes a command.
        await frame.fill(tid('terminal-input'), 'docker ps -a');
        await frame.press(tid('terminal-input'), 'Enter');
        await until(async () => /CONTAINER ID|NAMES/.test(await frame.textContent(tid('terminal-output'))), `${page} at ${w}×${h}: docker ps -a printed nothing in the frame`);
      }
      // The snippet's own size (full width × 560): the terminal is on the first screen and typable,
      // and nothing overlaps it (the footer stays below).
      for (const page of ['swarm-basics', LIFECYCLE]) {
        const frame = await frameAt({ page }, '100%', 560);
        const bad = await outside(frame, [...COMPACT, 'terminal-input']);
        check(bad.length === 0, `${page} at 100%×560: not in the frame: ${bad.join('; ')}`);
        const overlap = await frame.evaluate(() => {
          const term = document.querySelector('.terminal-panel').getBoundingClientRect();
          const foot = document.querySelector('.embed-foot').getBoundingClientRect();
          const out = document.querySelector('[data-testid="terminal-output"]').getBoundingClientRect();
          return { termBottom: term.bottom, footTop: foot.top, out: out.height };
        });
        check(overlap.termBottom <= overlap.footTop + 0.5, `${page} at 560: the footer overlaps the terminal (${JSON.stringify(overlap)})`);
        check(overlap.out >= 60, `${page} at 560: the terminal output is only ${Math.round(overlap.out)} px tall`);
        await frame.click(tid('terminal-input'));
        await s.page.keyboard.type('docker ps');
        await s.page.keyboard.press('Enter');
        await until(async () => /CONTAINER ID/.test(await frame.textContent(tid('terminal-output'))), `${page} at 560: docker ps printed nothing`);
      }
      // The page offers the sizes it was tested at.
      await s.page.setViewportSize(VIEWPORT);
      await openLifecycle(s);
      check(/height="560"/.test(await s.text(tid('embed-snippet'))), 'the default snippet is not 560 tall');
      await s.locator(`${tid('embed-size')}[value="compact"]`).check();
      await until(async () => /width="640" height="400"/.test(await s.text(tid('embed-snippet'))), 'the compact choice does not give a 640×400 snippet');
      await s.locator(`${tid('embed-size')}[value="tall"]`).check();
      await until(async () => /height="800"/.test(await s.text(tid('embed-snippet'))), 'the tall choice does not give an 800 tall snippet');
    },
  },
  {
    name: 'phone 390×844: stepping keeps the stepper and the current narration line on screen; nothing is wider than the screen',
    async run(s) {
      await s.page.setViewportSize({ width: 390, height: 844 });
      const onScreen = () =>
        s.page.evaluate(() => {
          const bad = [];
          for (const id of ['step-forward', 'step-label', 'now-line']) {
            const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
            if (!r || r.height < 1 || r.top < -0.5 || r.bottom > innerHeight + 0.5) bad.push(`${id} at ${r ? `${Math.round(r.top)}–${Math.round(r.bottom)}` : 'nowhere'}`);
          }
          const wide = document.documentElement.scrollWidth;
          if (wide > innerWidth + 1) {
            const culprits = [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
              .slice(0, 3)
              .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
            bad.push(`the page is ${wide} px wide (${culprits.join(', ')})`);
          }
          return bad;
        });
      for (const page of [LIFECYCLE, 'swarm-basics', 'compose-basics', 'swarm-overlay-networks']) {
        await s.open({ page }, tid('picture'));
        await s.waitVisible(tid('step-label'));
        let bad = await onScreen();
        check(bad.length === 0, `${page} at step 0: ${bad.join('; ')}`);
        for (let i = 0; i < 3; i++) {
          const { step } = await s.stepInfo();
          if (!(await s.step('step-forward'))) break;
          await until(async () => (await s.locator(tid('now-line')).getAttribute('data-step')) === String(step + 1), `${page}: the narration line did not follow to step ${step + 1}`);
          bad = await onScreen();
          check(bad.length === 0, `${page} at step ${step + 1}: ${bad.join('; ')}`);
        }
        // The example chips wrap inside the screen.
        const chips = await s.locator('.examples .chip').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
        check(chips.every((r) => r <= 391), `${page}: an example chip ends at ${Math.max(...chips)} px`);
      }
      // Every other page (and home) fits the screen too, at its start and a few steps in.
      await s.open({}, tid('home'));
      const wide = async (where) => {
        const w = await s.page.evaluate(() => document.documentElement.scrollWidth);
        check(w <= 391, `${where}: the page is ${w} px wide on a 390 px screen`);
      };
      await wide('home');
      // axe too: some regions only scroll on a narrow screen.
      const report = [];
      for (const page of READY) {
        for (const step of ['0', '4']) {
          await s.open({ page, step }, tid('picture'));
          await s.waitVisible(tid('now-line'));
          await wide(`${page} at step ${step}`);
        }
        for (const v of await axeViolations(s.page)) report.push(`${page}: ${formatViolation(v)}`);
      }
      check(report.length === 0, `serious/critical axe results on a phone:\n      ${report.join('\n      ')}`);
      // The first-step hint of an empty host fits the picture.
      await s.open({ page: LIFECYCLE, scenario: 'free' }, tid('picture'));
      const hint = await s.page.evaluate(() => {
        const svg = document.querySelector('[data-testid="picture"] svg').getBoundingClientRect();
        return [...document.querySelectorAll('.empty-sub')].map((t) => {
          const r = t.getBoundingClientRect();
          return r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5;
        });
      });
      check(hint.length > 0 && hint.every(Boolean), `the empty host's hint is cut: ${JSON.stringify(hint)}`);
    },
  },
  {
    name: 'swarm-basics node menu: arrows and Home/End move, Esc and a choice give the focus back to the node, a click elsewhere or a step closes it, a fault mid-scenario warns first',
    async run(s) {
      await s.open({ page: 'swarm-basics' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      const head = `${tid('swarm-node')}[data-host="node-3"] .sw-node-head`;
      const focused = () =>
        s.page.evaluate(() => {
          const a = document.activeElement;
          return a?.dataset.testid ?? (a?.classList.contains('sw-node-head') ? `head:${a.closest('[data-host]').dataset.host}` : a?.tagName);
        });
      const open = async (first = 'node-kill') => {
        await s.locator(head).focus();
        await s.page.keyboard.press('Enter');
        await s.waitVisible(tid('node-menu'), 'the node menu');
        await until(async () => (await focused()) === first, `the first item is not focused when the menu opens (${await focused()})`);
      };
      const closed = (why) => until(async () => (await s.locator(tid('node-menu')).count()) === 0, why);
      await open();
      checkEq(await s.locator(`${tid('node-menu')} [role="menu"] [role="menuitem"]`).count(), 6, 'menu items in role=menu');
      const enabled = await s.locator(`${tid('node-menu')} [role="menuitem"]:not(:disabled)`).evaluateAll((els) => els.map((e) => e.dataset.testid));
      const press = async (key, want) => {
        await s.page.keyboard.press(key);
        await until(async () => (await focused()) === want, `${key}: expected the focus on ${want}, it is on ${await focused()}`);
      };
      await press('ArrowDown', enabled[1]);
      await press('End', enabled.at(-1));
      await press('ArrowDown', enabled[0]); // wraps
      await press('ArrowUp', enabled.at(-1)); // wraps back
      await press('Home', enabled[0]);
      // ←/→ inside the menu do not step the story.
      const label = await s.text(tid('step-label'));
      await s.page.keyboard.press('ArrowRight');
      await sleep(300);
      checkEq(await s.text(tid('step-label')), label, 'step label after ArrowRight inside the menu');
      await s.page.keyboard.press('Escape');
      await closed('Escape did not close the node menu');
      checkEq(await focused(), 'head:node-3', 'focus after Escape');
      // Tab leaves the menu: it closes.
      await open();
      await s.page.keyboard.press('Tab');
      await closed('the menu stayed open after the focus left it (Tab)');
      // A click elsewhere closes it.
      await s.locator(head).click();
      await s.waitVisible(tid('node-menu'), 'the node menu (click)');
      await s.locator(tid('raft')).click({ position: { x: 5, y: 5 } });
      await closed('a click elsewhere did not close the menu');
      // A second click on the node closes it (a toggle: the focus moving to the node must not
      // close it first, or the click would open it again).
      await s.locator(head).click();
      await s.waitVisible(tid('node-menu'), 'the node menu (click to toggle)');
      await s.locator(head).click();
      await closed('a second click on the node did not close its menu');
      // A step closes it (a click that only steps: no press elsewhere first).
      await s.locator(head).click();
      await s.waitVisible(tid('node-menu'), 'the node menu (click again)');
      await s.page.evaluate(() => document.querySelector('[data-testid="step-forward"]').click());
      await closed('stepping did not close the menu');
      // Back inside the known steps, the menu says a fault replaces what follows, then the choice
      // forks the story there and gives the focus back to the node.
      const { step, total } = await s.stepInfo();
      check(step < total, `at step ${step} of ${total}: nothing to fork`);
      await open();
      const warning = await s.text(tid('menu-fork'));
      check(warning.includes(`step ${step} of ${total}`) && warning.includes(`${step + 1}–${total}`), `the fork warning says: ${warning}`);
      const describedBy = await s.locator(`${tid('node-menu')} [role="menu"]`).getAttribute('aria-describedby');
      check(describedBy && (await s.locator(`#${describedBy}`).count()) === 1, 'the menu is not described by its warning');
      await s.page.keyboard.press('Enter'); // Kill the machine
      await closed('choosing an item did not close the menu');
      await until(async () => (await s.locator(`${tid('swarm-node')}[data-host="node-3"][data-up="false"]`).count()) > 0, 'node-3 was not killed');
      checkEq(await focused(), 'head:node-3', 'focus after choosing an item');
      const forked = await s.stepInfo();
      checkEq([forked.step, forked.total], [step + 1, step + 1], 'step and total after the fork');
      // At the end of the known steps there is nothing to warn about.
      await open('node-start');
      checkEq(await s.locator(tid('menu-fork')).count(), 0, 'fork warnings at the end of the known steps');
      await s.page.keyboard.press('Escape');
      await closed('Escape did not close the menu');
      // The powered-off line draws its icon (an svg, not a glyph most fonts lack).
      check((await s.locator(`${tid('powered-off')} svg`).count()) > 0, 'the powered-off line has no svg icon');
    },
  },
  {
    name: 'swarm-basics node engine: the node menu shows a node\'s containers (its tasks and its own), images and volumes; the panel follows the steps; Esc gives the focus back; axe finds nothing',
    async run(s) {
      await s.open({ page: 'swarm-basics', scenario: 'free' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      // Lets time pass until the prompt is back (a `sleep`), as a reader stepping forward would.
      const settle = async () => {
        for (let i = 0; i < 80 && (await s.visibleCount(tid('busy-hint'))) > 0; i++) {
          check(await s.step('step-forward'), 'step-forward is disabled while the prompt is busy');
        }
        checkEq(await s.visibleCount(tid('busy-hint')), 0, 'the prompt is still busy');
      };
      await s.type('docker service create -d --name web --mode global nginx:1.27');
      await s.type('sleep 10');
      await settle();
      await s.type('ssh node-2 docker run -d --name probe -v cache:/data alpine false');
      await s.type('sleep 2');
      await settle();
      const node2 = `${tid('swarm-node')}[data-host="node-2"]`;
      const focused = () =>
        s.page.evaluate(() => {
          const a = document.activeElement;
          return a?.id || a?.dataset.testid || (a?.classList.contains('sw-node-head') ? `head:${a.closest('[data-host]').dataset.host}` : a?.tagName);
        });
      // Keyboard: Enter on node-2, End (the engine is the last item), Enter.
      await s.locator(`${node2} .sw-node-head`).focus();
      await s.page.keyboard.press('Enter');
      await s.waitVisible(tid('node-engine'), 'the engine item of the node menu');
      await s.page.keyboard.press('End');
      await until(async () => (await focused()) === 'node-engine', `End did not reach the engine item (${await focused()})`);
      await s.page.keyboard.press('Enter');
      const panel = `${tid('engine-panel')}[data-host="node-2"]`;
      await s.waitVisible(panel, 'node-2\'s engine panel');
      checkEq(await s.locator(tid('node-menu')).count(), 0, 'node menus open with the engine panel');
      await until(async () => (await focused()) === 'sw-engine-h', `the panel's heading did not get the focus (${await focused()})`);
      const rows = () =>
        s.locator(`${panel} ${tid('engine-container')}`).evaluateAll((els) =>
          els.map((e) => ({ name: e.dataset.name, state: e.dataset.state, service: e.dataset.service ?? '', text: e.textContent.replace(/\s+/g, ' ').trim() })),
        );
      let seen = await rows();
      const task = seen.find((r) => r.service === 'web');
      check(task && /^web\.[a-z0-9]+\.[a-z0-9]{25}$/.test(task.name) && task.state === 'running', `no running web task container on node-2: ${JSON.stringify(seen)}`);
      check(/nginx:1\.27/.test(task.text) && /Up \d+ seconds?/.test(task.text), `the task's row: ${task.text}`);
      const probe = seen.find((r) => r.name === 'probe');
      check(probe && probe.state === 'exited' && probe.service === '' && /alpine/.test(probe.text) && /Exited \(1\)/.test(probe.text), `node-2's own container: ${JSON.stringify(probe)} in ${JSON.stringify(seen)}`);
      checkEq(seen.length, 2, 'containers on node-2');
      const images = await s.locator(`${panel} ${tid('engine-image')}`).evaluateAll((els) => els.map((e) => [e.dataset.ref, e.textContent.trim()]));
      for (const ref of ['nginx:1.27', 'alpine:latest']) {
        const row = images.find(([r]) => r === ref);
        check(row && /\d(\.\d+)?\s?[kMG]?B$/.test(row[1]), `image ${ref} with its size on node-2: ${JSON.stringify(images)}`);
      }
      const volumes = await s.locator(`${panel} ${tid('engine-volume')}`).evaluateAll((els) => els.map((e) => e.dataset.name));
      checkEq(volumes, ['cache'], 'volumes on node-2');
      // The panel follows the steps: before the probe was run, node-2 has no probe, no cache.
      for (let i = 0; i < 40 && (await rows()).some((r) => r.name === 'probe'); i++) {
        check(await s.step('step-back'), 'step-back is disabled before the probe disappeared');
      }
      await s.waitVisible(panel, 'the engine panel after stepping back');
      seen = await rows();
      check(!seen.some((r) => r.name === 'probe') && seen.some((r) => r.service === 'web'), `node-2 before the probe: ${JSON.stringify(seen)}`);
      checkEq(await s.locator(`${panel} ${tid('engine-volume')}`).count(), 0, 'volumes on node-2 before the probe');
      // Accessible with the panel open, in both palettes.
      for (const scheme of ['light', 'dark']) {
        await s.page.emulateMedia({ colorScheme: scheme });
        const found = await axeViolations(s.page);
        check(found.length === 0, `axe with the engine panel open (${scheme}):\n      ${found.map(formatViolation).join('\n      ')}`);
      }
      // Escape closes it and gives the focus back to node-2.
      await s.locator(`${panel} h3`).focus();
      await s.page.keyboard.press('Escape');
      await until(async () => (await s.locator(tid('engine-panel')).count()) === 0, 'Escape did not close the engine panel');
      checkEq(await focused(), 'head:node-2', 'focus after closing the engine panel');
      // The mouse opens another node's: node-3 did not run the probe, its engine holds only its web task.
      const node3 = `${tid('swarm-node')}[data-host="node-3"]`;
      await s.locator(`${node3} .sw-node-head`).click();
      await s.locator(tid('node-engine')).click();
      await s.waitVisible(`${tid('engine-panel')}[data-host="node-3"]`, 'node-3\'s engine panel');
      const on3 = await s.locator(`${tid('engine-panel')} ${tid('engine-container')}`).evaluateAll((els) => els.map((e) => e.dataset.service ?? ''));
      checkEq(on3, ['web'], 'containers on node-3 (services)');
      await s.locator(tid('engine-close')).click();
      await until(async () => (await s.locator(tid('engine-panel')).count()) === 0, 'the close button did not close the engine panel');
      checkEq(await focused(), 'head:node-3', 'focus after the close button');
    },
  },
  {
    name: 'terminal prompt: after ssh node-2 the prompt and the lines typed there read node-2 $, after exit $ again; stepping back and a reload keep them',
    async run(s) {
      await s.open({ page: 'swarm-basics', scenario: 'free' }, tid('picture'));
      await s.waitVisible(tid('step-label'));
      const ps1 = () => s.text(tid('terminal-ps1'));
      const prompts = () =>
        s.locator(`${tid('terminal-output')} .ln.prompt`).evaluateAll((els) => els.map((e) => e.textContent.replace(/\n$/, '')));
      const waitPs1 = (want, why) => until(async () => (await ps1()) === want, `${why}: the prompt reads "${want}"? it reads`);
      checkEq(await ps1(), '$', 'the prompt at the lab\'s own terminal');
      await s.type('ssh node-2');
      await until(async () => /Welcome to/.test(await s.output()), 'ssh node-2 printed no welcome');
      await waitPs1('node-2 $', 'after ssh node-2');
      await s.type('docker ps');
      await until(async () => (await prompts()).includes('node-2 $ docker ps'), 'no "node-2 $ docker ps" line');
      await s.type('docker bogus'); // refused: it changes nothing, and was typed on node-2 too
      await until(async () => (await prompts()).includes('node-2 $ docker bogus'), 'no "node-2 $ docker bogus" line');
      await s.type('exit');
      await until(async () => /Connection to node-2 closed/.test(await s.output()), 'exit did not close the connection');
      await waitPs1('$', 'after exit');
      await s.type('docker node ls');
      await until(async () => (await prompts()).includes('$ docker node ls'), 'no "$ docker node ls" line');
      const want = ['$ ssh node-2', 'node-2 $ docker ps', 'node-2 $ docker bogus', 'node-2 $ exit', '$ docker node ls'];
      checkEq(await prompts(), want, 'prompt lines');
      // The narration titles the steps as their prompts read.
      const titles = await s.locator('.entry-title').allTextContents();
      check(titles.includes('node-2 $ docker ps') && titles.includes('$ docker node ls'), `the narration's titles: ${JSON.stringify(titles)}`);
      // The accessible name of the input says where a command goes.
      checkEq(await s.locator(tid('terminal-input')).getAttribute('aria-label'), 'Type a command', 'the input\'s name on the lab\'s terminal');
      // A reload of the link shows the same prompts.
      await until(async () => s.params().get('step') === String((await s.stepInfo()).step), 'the URL has not caught up');
      await s.page.reload({ waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('step-label'));
      await until(async () => JSON.stringify(await prompts()) === JSON.stringify(want), `after a reload the prompt lines are ${JSON.stringify(await prompts())}`);
      checkEq(await ps1(), '$', 'the prompt after a reload');
      // Stepping back before `exit` puts the terminal on node-2 again.
      check(await s.step('step-back'), 'step-back is disabled');
      check(await s.step('step-back'), 'step-back is disabled');
      await waitPs1('node-2 $', 'two steps back (before exit)');
      checkEq(await s.locator(tid('terminal-input')).getAttribute('aria-label'), 'Type a command on node-2', 'the input\'s name on node-2');
      check(await s.step('step-forward'), 'step-forward is disabled');
      await waitPs1('$', 'forward again (after exit)');
    },
  },
  {
    name: 'containers-lifecycle fault menu: a menu like the node menu (arrows, Esc and a choice give the focus back to the card), warns before forking',
    async run(s) {
      await openLifecycle(s, { scenario: 'stop-grace-period', step: '5' });
      const { step, total } = await s.stepInfo();
      check(step < total, `at step ${step} of ${total}: nothing to fork`);
      const card = `${tid('container-card')}[data-name="sleeper"]`;
      await s.waitForCard('sleeper', 'running');
      const focused = () => s.page.evaluate(() => document.activeElement?.dataset.testid === 'container-card'
        ? `card:${document.activeElement.dataset.name}` : document.activeElement?.dataset.testid ?? document.activeElement?.tagName);
      const open = async () => {
        await s.locator(card).focus();
        await s.page.keyboard.press('Enter');
        await s.waitVisible(tid('fault-menu'), 'the fault menu');
        await until(async () => (await focused()) === 'fault-crash', `the first item is not focused (${await focused()})`);
      };
      await open();
      checkEq(await s.locator(card).getAttribute('aria-expanded'), 'true', 'aria-expanded on the open card');
      await s.page.keyboard.press('ArrowDown');
      await until(async () => (await focused()) === 'fault-oom', 'ArrowDown did not move to the next item');
      await s.page.keyboard.press('End');
      await until(async () => (await focused()) === 'fault-busy', 'End did not move to the last item');
      await s.page.keyboard.press('Escape');
      await until(async () => (await s.locator(tid('fault-menu')).count()) === 0, 'Escape did not close the fault menu');
      checkEq(await focused(), 'card:sleeper', 'focus after Escape');
      await open();
      const warning = await s.text(tid('menu-fork'));
      check(warning.includes(`${step + 1}–${total}`), `the fork warning says: ${warning}`);
      await s.page.keyboard.press('Enter'); // Crash PID 1
      await until(async () => (await s.locator(tid('fault-menu')).count()) === 0, 'choosing a fault did not close the menu');
      await until(async () => (await s.locator(`${card}[data-state="exited"], ${card}[data-state="restarting"]`).count()) > 0, 'the crash did not reach the card');
      checkEq(await focused(), 'card:sleeper', 'focus after choosing a fault');
      checkEq((await s.stepInfo()).total, step + 1, 'steps after the fork');
    },
  },
  {
    name: 'desktop 1280×800: nothing cut off or overlapping: the compose table fits its panel, chips stay in theirs, lane labels clear the plugs, the disk size label is inside its chart',
    async run(s) {
      const inside = (inner, outer) => inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
      const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      // The healthcheck column of the compose table, and the example chips, inside their panels.
      await s.open({ page: 'compose-healthchecks', scenario: 'wait-for-healthy-database', step: '16' }, tid('compose-table'));
      const table = await s.page.evaluate(() => {
        const wrap = document.querySelector('.cp-table-wrap');
        return { scroll: wrap.scrollWidth, client: wrap.clientWidth };
      });
      check(table.scroll <= table.client + 1, `the compose table is ${table.scroll} px wide in a ${table.client} px panel`);
      for (const page of ['compose-basics', 'compose-healthchecks', 'disk-full-logs', 'volumes-persistence']) {
        await s.open({ page }, tid('picture'));
        const chips = await s.page.evaluate(() => {
          const panel = document.querySelector('.terminal-panel').getBoundingClientRect();
          return [...document.querySelectorAll('.examples .chip')].map((c) => c.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, panel: { left: panel.left, right: panel.right } }));
        });
        const out = chips.filter((c) => !inside(c, c.panel));
        check(out.length === 0, `${page}: ${out.length} example chip(s) end past the terminal panel (${JSON.stringify(out[0])})`);
      }
      // A network lane's label does not sit under a wire's plug (compose-basics before up: "app_default (not created)").
      await s.open({ page: 'compose-basics', step: '1' }, tid('compose-network'));
      const lanes = await s.page.evaluate(() => {
        const plugs = [...document.querySelectorAll('.cp-wire circle')].map((c) => c.getBoundingClientRect().toJSON());
        return [...document.querySelectorAll('[data-testid="compose-network"] text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect().toJSON(), plugs }));
      });
      check(lanes.length > 0, 'no lane label');
      for (const l of lanes) check(!l.plugs.some((p) => hit(l.box, p)), `a wire's plug sits on the lane label "${l.text}"`);
      // The disk chart's size label: inside the chart, and drawn after the line and area (on top).
      await s.open({ page: 'disk-full-logs', scenario: 'disk-full-logs-no-rotation', step: '99' }, tid('disk-chart'));
      const disk = await s.page.evaluate(() => {
        const svg = document.querySelector('[data-testid="disk-chart"]');
        const label = svg.querySelector('.chart-ceiling-label');
        const line = svg.querySelector('.chart-line');
        return {
          inside: (() => { const a = label.getBoundingClientRect(); const b = svg.getBoundingClientRect(); return a.top >= b.top && a.bottom <= b.bottom && a.left >= b.left && a.right <= b.right; })(),
          onTop: Boolean(line.compareDocumentPosition(label) & Node.DOCUMENT_POSITION_FOLLOWING),
        };
      });
      check(disk.inside && disk.onTop, `the disk size label: ${JSON.stringify(disk)}`);
    },
  },
  {
    name: 'pitfalls: the home lists the path\'s nine and four from production; pitfalls.html explains each; a scenario link opens its page at that scenario; axe finds nothing',
    async run(s) {
      await s.open({}, tid('pitfalls-section'));
      checkEq(await s.locator(`${tid('pitfalls-section')} ${tid('pitfall')}`).count(), 13, 'pitfalls on the home page');
      // The index page, from its own file (prerendered) and live.
      await s.page.goto(`${s.server.base}pitfalls.html`, { waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('pitfalls-page'));
      check(/Common pitfalls/.test(await s.text('h1')), `pitfalls.html title: ${await s.text('h1')}`);
      const six = `${tid('pitfall')}[data-number="6"]`;
      check(/port is already allocated/.test(await s.text(six)), `pitfall 6 does not say what goes wrong: ${await s.text(six)}`);
      const found = await axeViolations(s.page);
      check(found.length === 0, `axe on pitfalls.html: ${found.map(formatViolation).join(' / ')}`);
      // A real click on pitfall 6's first scenario: its page opens with that scenario picked.
      await s.locator(`${six} ${tid('pitfall-scenario')}[data-scenario="one-port-host-vs-mesh"]`).click();
      await s.page.waitForURL(/swarm-overlay-networks\.html\?scenario=one-port-host-vs-mesh/);
      await s.waitLive();
      await s.waitVisible(tid('picture'));
      checkEq(await s.locator(tid('scenario-select')).inputValue(), 'one-port-host-vs-mesh', 'the scenario picked after the pitfall link');
    },
  },
  {
    name: 'challenge: the home page links phase 2\'s checkpoint; its goals wait for the reader; a hint on demand; the reference solution reaches them all; back to the challenge',
    async run(s) {
      const goalStatuses = () =>
        s.locator(tid('goal')).evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      await s.open({}, tid('home'));
      const link = `${tid('phase')}[data-phase="2"] ${tid('checkpoint-link')}`;
      await s.waitVisible(link);
      await s.locator(link).click();
      await s.page.waitForURL(/network-isolation\.html\?scenario=checkpoint-phase-2/);
      await s.waitLive();
      await s.waitVisible(tid('challenge-panel'));
      const start = await goalStatuses();
      checkEq(start.length, 5, 'the checkpoint\'s goals');
      check(!start.every((g) => g === 'met'), `solved before anything was typed: ${start}`);
      check(start.every((g) => g !== 'failed'), `a goal failed at the start: ${start}`);
      checkEq(await s.locator(tid('hints')).count(), 0, 'hints shown before asking');
      await s.locator(tid('hint-button')).click();
      await until(async () => (await s.locator(`${tid('hints')} li`).count()) === 1, 'no hint after clicking');
      check(/pg_isready/.test(await s.text(tid('hints'))), `the first hint: ${await s.text(tid('hints'))}`);
      // The reader's own command is a step of the challenge, checked like the rest.
      await s.type('docker compose ps');
      await until(async () => /app-db-1/.test(await s.output()), 'docker compose ps did not list app-db-1');
      // The reference solution, at its last step: every goal met. Leaving the reader's own
      // command behind asks first (accepted here).
      s.page.once('dialog', (d) => d.accept());
      await s.locator(tid('show-solution')).click();
      await until(async () => s.params().has('solution'), `no &solution in ${s.page.url()}`);
      const { total } = await s.stepInfo();
      await s.open({ page: 'network-isolation', scenario: 'checkpoint-phase-2', solution: true, step: String(total) }, tid('challenge-panel'));
      await until(async () => (await goalStatuses()).every((g) => g === 'met'), 'the solution does not meet every goal at its end');
      await s.locator(tid('back-to-challenge')).click();
      await until(async () => !s.params().has('solution'), 'still on the solution');
      await s.waitVisible(tid('hint-button'));
    },
  },
  {
    name: 'your file: a pasted compose file gets a report (rule, line:column, a fix as a diff); the export applies the fixes and its report has none of them; it comes up below; the link carries the file',
    async run(s) {
      await s.open({ page: 'your-file' }, tid('yourfile-panel'));
      const area = s.locator(tid('yourfile-text'));
      await area.fill(YOUR_FILE);
      await until(async () => (await s.locator(tid('finding')).count()) > 5, 'no findings for the pasted file');
      const found = async () => s.locator(tid('finding')).evaluateAll((els) => els.map((e) => `${e.dataset.rule}@${e.dataset.line}`));
      const before = await found();
      for (const want of ['DY110@3', 'DY103@7', 'DY101@9', 'DY112@11']) check(before.includes(want), `${want} not in ${before}`);
      const diff = await s.locator(`${tid('finding')}[data-rule="DY101"] ${tid('fix-diff')}`).textContent();
      check(/^\+\s+- db-data:\/var\/lib\/postgresql\/data$/m.test(diff), `DY101's diff:\n${diff}`);
      const exported = await s.text(tid('export-text'));
      check(exported.includes('condition: service_healthy') && exported.includes('db-data:'), `export:\n${exported}`);
      // The export, pasted back: what was fixed is gone; what has no sure fix stays.
      await area.fill(exported + '\n');
      await until(async () => !(await found()).some((r) => /^DY(110|103|101)@/.test(r)), `fixed findings still reported: ${await found()}`);
      check((await found()).some((r) => r.startsWith('DY112@')), 'the literal password (no sure fix) is no longer reported');
      // Turning a fix off takes it out of the export.
      await area.fill(YOUR_FILE);
      await until(async () => (await found()).includes('DY101@9'), 'the original file\'s findings did not come back');
      await s.locator(`${tid('finding')}[data-rule="DY101"] summary`).click();
      await s.locator(`${tid('finding')}[data-rule="DY101"] ${tid('fix-toggle')}`).uncheck();
      await until(async () => !(await s.text(tid('export-text'))).includes('db-data'), 'the declined fix is still in the export');
      // Brought up: the Compose picture below, and the address carries the file.
      await s.locator(tid('yourfile-bring-up')).click();
      await s.waitVisible(tid('step-label'));
      const composeState = (service) => s.locator(`${tid('compose-service')}[data-service="${service}"]`).first().getAttribute('data-state');
      const { total } = await s.stepInfo();
      await s.locator(tid('scrubber')).fill(String(total));
      await until(async () => (await composeState('web')) === 'running', `web is ${await composeState('web')} at the end of the bring-up`);
      const address = s.page.url();
      check(/\?page=your-file&/.test(address) && new URL(address).hash.startsWith('#file='), `address: ${address}`);
      await s.page.goto(address, { waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('step-label'));
      checkEq(await s.locator(tid('yourfile-text')).inputValue(), YOUR_FILE, 'the file after opening the link');
      await until(async () => (await composeState('db')) === 'running', `db is ${await composeState('db')} after opening the link`);
      // The chaos run: a verdict per service, measured; each moment is a link to replay.
      await s.locator(tid('chaos-run')).click();
      await until(async () => (await s.locator(tid('verdict')).count()) === 2, 'no verdict for web and db');
      const verdicts = await s.locator(tid('verdict')).evaluateAll((els) => els.map((e) => `${e.dataset.service}:up=${e.dataset.up}:lost=${e.dataset.lost}`));
      // db keeps its data in its image's anonymous volume, which a recreate keeps; web has no restart policy.
      check(verdicts.includes('web:up=false:lost=false'), `verdicts: ${verdicts}`);
      const moment = s.locator(tid('chaos-moment')).nth(2);
      const step = Number(await moment.getAttribute('data-step'));
      const label = await moment.textContent();
      await moment.click();
      await s.page.waitForURL(new RegExp(`step=${step}&`));
      await s.waitLive();
      await s.waitVisible(tid('step-label'));
      checkEq((await s.stepInfo()).step, step, `the step of the moment "${label}"`);
      check(new URL(s.page.url()).hash.startsWith('#file='), `the moment's address lost the file: ${s.page.url()}`);
    },
  },
  {
    name: 'save as scenario: what the reader did becomes a transcript; a goal from the list; a mistake shows its line:column; Play it meets the goal; the link opens the same moment, and its embed snippet carries it',
    async run(s) {
      await openLifecycle(s, { scenario: 'free' });
      await s.type(RUN_WEB);
      await s.waitForCard('web', 'running');
      await s.locator(tid('save-scenario')).click();
      await s.waitVisible(tid('scenario-text'));
      const area = s.locator(tid('scenario-text'));
      const text = await area.inputValue();
      check(text.startsWith('# ') && /\nsetup: host seed=\d+\n/.test(text), `not a transcript:\n${text}`);
      check(text.includes(`$ ${RUN_WEB}\n`), `the reader's command is not in the transcript:\n${text}`);
      await s.locator(tid('check-forms')).selectOption({ label: 'Containers: container NAME is STATE' });
      await until(async () => (await area.inputValue()).endsWith('expect eventually: container web is running\n'), 'the goal was not added');
      check(/✓ Reads as a scenario/.test(await s.text(tid('scenario-status'))), `status: ${await s.text(tid('scenario-status'))}`);
      const good = await area.inputValue();
      const lines = good.split('\n').length;
      await area.fill(good + 'expect: the moon is full\n');
      await until(async () => new RegExp(`^line ${lines}:9: `).test(await s.text(tid('scenario-status'))), `no line:column error: ${await s.text(tid('scenario-status'))}`);
      await area.fill(good);
      await s.locator(tid('scenario-play')).click();
      await until(async () => /1 of 1 goals met/.test(await s.text(tid('scenario-verdict'))), `verdict: ${await s.text(tid('scenario-verdict')).catch(() => '')}`);
      const embed = await s.locator(tid('scenario-embed')).inputValue();
      const src = /<iframe src="([^"]*&embed#scenario=[^"]*)"/.exec(embed);
      check(src, `embed snippet: ${embed}`);
      const href = await s.locator(tid('scenario-link')).getAttribute('href');
      check(/#scenario=[A-Za-z0-9_-]+$/.test(href), `link: ${href}`);
      await s.page.goto(new URL(href, s.page.url()).href, { waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('step-label'));
      checkEq(await s.locator(tid('scenario-select')).inputValue(), 'custom', 'the picker on a linked scenario');
      const { total } = await s.stepInfo();
      await s.locator(tid('scrubber')).fill(String(total));
      await s.waitForCard('web', 'running');
      check(new URL(s.page.url()).hash.startsWith('#scenario='), `the address lost its fragment: ${s.page.url()}`);
      await until(async () => (await s.locator(`${tid('goal')}[data-status="met"]`).count()) === 1, 'the linked scenario\'s goal is not met at its end');
      // The embed snippet's address plays the same scenario in a frame's layout.
      await s.page.goto(src[1], { waitUntil: 'load' });
      await s.waitLive();
      await s.waitVisible(tid('picture'));
      check((await s.locator('.embed-layout').count()) === 1, 'the embed address is not drawn as an embed');
      check(/My version|\(my version\)/i.test(await s.page.title()), `the embed's title: ${await s.page.title()}`);
    },
  },
  {
    name: 'practice project: mission 1 opens on the shop\'s folder with its goals and the scorecard waiting for a deploy; mission 10\'s solution ends with every production check passing and the stack exported',
    async run(s) {
      await s.open({ page: 'practice-project' }, tid('challenge-panel'));
      checkEq(await s.locator(tid('scenario-select')).inputValue(), 'mission-1', 'the page\'s first mission');
      checkEq(await s.locator(tid('goal')).count(), 6, 'mission 1\'s goals');
      checkEq(await s.locator(tid('scorecard')).getAttribute('data-score'), '0', 'the scorecard before a deploy');
      check(/docker stack deploy/.test(await s.text(tid('scorecard'))), 'the scorecard does not say how to start');
      await s.type('cat stack.yml');
      await until(async () => /127\.0\.0\.1:5000\/shop-api/.test(await s.output()), 'cat stack.yml did not show the shop\'s stack');
      // Mission 10's reference solution at its last step: the whole chain has run.
      await s.open({ page: 'practice-project', scenario: 'mission-10', solution: true }, tid('challenge-panel'));
      const { total } = await s.stepInfo();
      await s.open({ page: 'practice-project', scenario: 'mission-10', solution: true, step: String(total) }, tid('scorecard'));
      await until(async () => (await s.locator(tid('scorecard')).getAttribute('data-score')) === '15', `the scorecard reads ${await s.locator(tid('scorecard')).getAttribute('data-score')} of 15`);
      checkEq(await s.locator(`${tid('scorecard')} [data-ok="false"]`).count(), 0, 'failing scorecard lines');
      await s.locator(`${tid('export')} summary`).click();
      checkEq(await s.locator(tid('export-download')).count(), 4, 'exported files');
      check(/--certificatesresolvers\.le\.acme/.test(await s.text(tid('export'))), 'the export has no Traefik flags');
    },
  },
  // Accessibility: axe-core on the home page and every ready page, full and embedded (at step 3, so
  // that the narration has past, current and future entries), in the light and the dark palette
  // (style.css follows prefers-color-scheme). Serious and critical violations fail, each printed with its targets.
  ...['light', 'dark'].map((scheme) => ({
    name: `a11y: axe finds no serious or critical violation on home and every ready page, full and embedded (${scheme})`,
    async run(s) {
      await s.page.emulateMedia({ colorScheme: scheme });
      await s.open({}, tid('home'));
      const report = [];
      let total = 0;
      // Each page, and each page embedded (the layout a note shows).
      const pages = READY.flatMap((page) => [{ page, step: '3' }, { page, step: '3', embed: true }]);
      for (const params of [{}, ...pages]) {
        await s.open(params, params.page ? tid('picture') : tid('home'));
        if (params.page) await s.waitVisible(tid('step-label'));
        await sleep(150);
        const found = await axeViolations(s.page);
        total += found.reduce((n, v) => n + v.nodes.length, 0);
        const where = params.page ? `${params.page}${params.embed ? ' (embed)' : ''}` : 'home';
        for (const v of found) report.push(`${where}: ${formatViolation(v)}`);
      }
      check(report.length === 0, `${total} serious/critical axe result(s) in ${scheme} mode:\n      ${report.join('\n      ')}`);
    },
  })),
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
