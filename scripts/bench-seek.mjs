#!/usr/bin/env node
// Seeking and stepping in the built site, timed in headless Chromium (a benchmark, not a test).
//
//   node scripts/bench-seek.mjs --seek SCENARIO --step SCENARIO [--dist dist] [--samples 80]
//
// --seek: the scenario whose steps are sought (the longest shipped one; tests/seek_bench.rs names
// it). Its page opens at its end, then the scrubber is moved to `samples` steps spread over the
// whole run, each time from the far end (the worst place to come from), at normal speed and with
// Chromium's CPU slowed 4× (DevTools' throttling, as for a mid-range phone). Each seek is timed
// from the scrubber's input event to the step label showing the new step, and to the next frame
// after it (the picture painted). --step: the scenario whose single steps forward are timed at 4×
// (the biggest swarm scene): the step-forward button, pressed at `samples` steps, to the next frame.
//
// Prints `BENCH name=… value=…` lines (milliseconds, the worst sample) for scripts/bench.sh.
import http from 'node:http';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const DIST = path.resolve(opt('--dist', 'dist'));
const SEEK = opt('--seek');
const STEP = opt('--step');
const SAMPLES = Number(opt('--samples', '80'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
if (!SEEK || !STEP) {
  console.error('usage: node scripts/bench-seek.mjs --seek SCENARIO --step SCENARIO [--dist dist] [--samples N]');
  process.exit(2);
}

const pages = JSON.parse(await fsp.readFile(path.join(DIST, 'pages.json'), 'utf8'));
const pageOf = (scenario) => {
  const page = pages.find((p) => (p.scenarios ?? []).includes(scenario));
  if (!page) throw new Error(`no page of ${DIST}/pages.json lists the scenario ${scenario}`);
  return page.slug;
};

const srv = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  const file = path.resolve(DIST, rel);
  if (!file.startsWith(DIST + path.sep)) return res.writeHead(404).end();
  try {
    const body = await fsp.readFile(file);
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${srv.address().port}/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

async function open(scenario, rate) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}${pageOf(scenario)}.html?scenario=${scenario}`, { waitUntil: 'load' });
  await page.locator('html[data-live]').waitFor({ state: 'attached', timeout: 120000 });
  const label = await page.locator('[data-testid=step-label]').first().textContent();
  const len = Number(/\/\s*(\d+)/.exec(label)[1]);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return { context, page, len };
}

// In the page: do `act`, then time until the step label reads `step K /`, and to the frame after.
async function timed(page, k, act) {
  return page.evaluate(async ([k, act]) => {
    const label = document.querySelector('[data-testid=step-label]');
    const shows = () => new RegExp(`step\\s+${k}\\s*/`).test(label.textContent);
    const t0 = performance.now();
    let tLabel = null;
    const seen = new Promise((resolve) => {
      const look = () => {
        if (tLabel === null && shows()) {
          tLabel = performance.now() - t0;
          resolve();
        }
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
      look();
    });
    if (act === 'seek') {
      const s = document.querySelector('[data-testid=scrubber]');
      s.value = String(k);
      s.dispatchEvent(new Event('input', { bubbles: true }));
    } else {
      document.querySelector('[data-testid=step-forward]').click();
    }
    await seen;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { label: tLabel, frame: performance.now() - t0 };
  }, [k, act]);
}

const spread = (len, n) => [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * len) / Math.max(1, n - 1))))];
const worst = (xs, key) => Math.max(...xs.map((x) => x[key]));
// The middle sample: the worst alone is noisy on a shared machine (one slow frame decides it).
const median = (xs, key) => {
  const v = xs.map((x) => x[key]).sort((a, b) => a - b);
  return v[Math.floor((v.length - 1) / 2)];
};
const bench = (name, value) => console.log(`BENCH name=${name} value=${value.toFixed(1)}`);

for (const rate of [1, 4]) {
  const { context, page, len } = await open(SEEK, rate);
  const results = [];
  for (const k of spread(len, SAMPLES)) {
    if (k !== len) await timed(page, len, 'seek');
    results.push(await timed(page, k, 'seek'));
  }
  console.log(`seek ${SEEK} (${len} steps) at CPU ${rate}x: ${results.length} seeks from the end`);
  const suffix = rate === 1 ? '' : `_${rate}x`;
  bench(`seek_browser${suffix}_label_max_ms`, worst(results, 'label'));
  bench(`seek_browser${suffix}_frame_max_ms`, worst(results, 'frame'));
  bench(`seek_browser${suffix}_frame_p50_ms`, median(results, 'frame'));
  await context.close();
}

{
  const { context, page, len } = await open(STEP, 4);
  const results = [];
  const targets = spread(len - 1, Math.min(SAMPLES, len));
  for (const k of targets) {
    await timed(page, k, 'seek');
    results.push(await timed(page, k + 1, 'step'));
  }
  console.log(`step ${STEP} (${len} steps) at CPU 4x: ${results.length} single steps forward`);
  bench('step_browser_4x_frame_max_ms', worst(results, 'frame'));
  bench('step_browser_4x_frame_p50_ms', median(results, 'frame'));
  await context.close();
}

await browser.close();
srv.close();
