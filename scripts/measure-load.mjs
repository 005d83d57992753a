#!/usr/bin/env node
// Load-time measurement (a benchmark, not a test): how soon a reader sees something and how soon
// the page takes input, on localhost and on a slow link, with and without gzip.
//
//   node scripts/measure-load.mjs [--dist DIR] [--page NAME=PATH]... [--live SELECTOR] [--runs N]
//
// --bench measures only the budget's case (gzip on, the slow link) and also prints
// `BENCH name=load_slow_gzip_first_paint_ms|load_slow_gzip_interactive_ms value=…` (the slowest
// page's median) for scripts/bench.sh.
// Defaults: --dist dist, pages home=index.html and swarm-basics=swarm-basics.html, --live
// 'html[data-live]' (set by the app on its first render), 3 runs (the median is printed).
// For a build older than the prerendered pages, pass --page swarm-basics='index.html?page=swarm-basics'
// and --live '[data-testid=step-label], [data-testid=home]'.
//
// "first paint" is the browser's first-contentful-paint; "interactive" is when the live selector
// first matches. The slow link is Chromium's network emulation at 1.6 Mbit/s down, 750 kbit/s up,
// 150 ms latency (the "slow 4G" of the issue), cache disabled. gzip is done by this script's own
// static server (level 9, as a static host's precompressed files would be).
import http from 'node:http';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const many = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const DIST = path.resolve(opt('--dist', 'dist'));
const LIVE = opt('--live', 'html[data-live]');
const RUNS = Number(opt('--runs', '3'));
const PAGES = (many('--page').length ? many('--page') : ['home=index.html', 'swarm-basics=swarm-basics.html']).map((p) => {
  const at = p.indexOf('=');
  return { name: p.slice(0, at), path: p.slice(at + 1) };
});
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

function server(gzip) {
  const cache = new Map();
  const srv = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(DIST, rel);
    if (!file.startsWith(DIST + path.sep)) return res.writeHead(404).end();
    let body;
    try {
      body = await fsp.readFile(file);
    } catch {
      return res.writeHead(404).end();
    }
    const headers = { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      if (!cache.has(file)) cache.set(file, zlib.gzipSync(body, { level: 9 }));
      body = cache.get(file);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers).end(body);
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ srv, base: `http://127.0.0.1:${srv.address().port}/` })));
}

async function measure(browser, base, pagePath, slow) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (slow) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8),
    });
  }
  await page.addInitScript((sel) => {
    window.__live = null;
    const look = () => {
      if (window.__live === null && document.querySelector(sel)) window.__live = performance.now();
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
  }, LIVE);
  await page.goto(base + pagePath, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__live !== null, null, { timeout: 120000, polling: 50 });
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 120000 });
  const r = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
    live: window.__live,
  }));
  await context.close();
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const wasm = (await fsp.readdir(DIST)).find((f) => f.endsWith('.wasm'));
const wasmBytes = (await fsp.stat(path.join(DIST, wasm))).size;
const wasmGz = zlib.gzipSync(await fsp.readFile(path.join(DIST, wasm)), { level: 9 }).length;
console.log(`dist: ${DIST}  wasm ${wasmBytes} bytes raw, ${wasmGz} gzip -9; live selector ${LIVE}; median of ${RUNS}`);
console.log('| page | link | gzip | first paint | interactive |');
console.log('|---|---|---|---|---|');
const BENCH = args.includes('--bench');
const worst = { fcp: 0, live: 0 };
for (const gzip of BENCH ? [true] : [false, true]) {
  const { srv, base } = await server(gzip);
  for (const p of PAGES) {
    for (const slow of BENCH ? [true] : [false, true]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, base, p.path, slow));
      const fcp = median(runs.map((r) => r.fcp));
      const live = median(runs.map((r) => r.live));
      if (gzip && slow) {
        worst.fcp = Math.max(worst.fcp, fcp);
        worst.live = Math.max(worst.live, live);
      }
      console.log(`| ${p.name} | ${slow ? '1.6 Mbit/s, 150 ms' : 'localhost'} | ${gzip ? 'on' : 'off'} | ${fmt(fcp)} | ${fmt(live)} |`);
    }
  }
  srv.close();
}
if (BENCH) {
  console.log(`BENCH name=load_slow_gzip_first_paint_ms value=${worst.fcp.toFixed(0)}`);
  console.log(`BENCH name=load_slow_gzip_interactive_ms value=${worst.live.toFixed(0)}`);
}
await browser.close();
