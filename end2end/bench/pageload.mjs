// Page speed in Chromium (issue 20): largest contentful paint and time to interactive (the
// page hydrated and its Live badge on) for the pages a person opens first, under 9 Mbit/s down
// and 40 ms round trips, with a cold cache (a new browser context) and a warm one (the same
// page again in that context). Medians of RUNS; run by scripts/pageload.sh.
import { chromium } from '@playwright/test';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3188';
const RUNS = Number(process.env.RUNS ?? 5);
const PAGES = ['/', '/support', '/voice', '/partners'];
const TARGET = { lcpCold: 1000, ttiCold: 1500, warm: 500 };
// Chromium's own throttling (DevTools "custom" profile): bytes per second and added latency.
const NETWORK = { offline: false, latency: 40, downloadThroughput: (9e6 / 8), uploadThroughput: (9e6 / 8) };

// Records the last largest-contentful-paint candidate of the document.
const observeLcp = () => {
  window.__lcp = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__lcp = e.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
};

// Milliseconds from navigation start until the Live badge says Live (hydrated, stream open).
const liveAt = () => {
  const b = document.querySelector('[data-testid=live-badge]');
  return b && b.textContent.trim() === 'Live' ? performance.now() : false;
};

async function load(page, path) {
  await page.goto(BASE + path, { waitUntil: 'commit' });
  const tti = await (await page.waitForFunction(liveAt, null, { polling: 'raf', timeout: 30_000 })).jsonValue();
  // LCP is final at the first input or when the page is hidden; by interactivity it has settled.
  const lcp = await page.evaluate(() => window.__lcp);
  return { lcp, tti };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
// One sign-in; every run reuses its session cookie.
const signIn = await browser.newContext();
const p = await signIn.newPage();
await p.goto(`${BASE}/login`);
await p.fill('input[name=email]', process.env.BENCH_EMAIL ?? 'analyst@demo.signalroom');
await p.fill('input[name=password]', process.env.BENCH_PASSWORD ?? 'signalroom-demo');
await Promise.all([p.waitForURL(`${BASE}/`), p.click('[data-testid=login-submit]')]);
const storageState = await signIn.storageState();
await signIn.close();

console.log(`page speed in Chromium: ${NETWORK.downloadThroughput * 8 / 1e6} Mbit/s down, ${NETWORK.latency} ms RTT; median of ${RUNS} runs`);
console.log(`  ${'page'.padEnd(12)} ${'LCP cold'.padStart(9)} ${'TTI cold'.padStart(9)} ${'LCP warm'.padStart(9)} ${'TTI warm'.padStart(9)}   (ms)`);
let met = true;
for (const path of PAGES) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ storageState });
    const page = await context.newPage();
    await page.addInitScript(observeLcp);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    cold.push(await load(page, path));
    warm.push(await load(page, path));
    await context.close();
  }
  const row = {
    lcpCold: median(cold.map((r) => r.lcp)), ttiCold: median(cold.map((r) => r.tti)),
    lcpWarm: median(warm.map((r) => r.lcp)), ttiWarm: median(warm.map((r) => r.tti)),
  };
  met &&= row.lcpCold <= TARGET.lcpCold && row.ttiCold <= TARGET.ttiCold && row.ttiWarm <= TARGET.warm;
  const f = (x) => x.toFixed(0).padStart(9);
  console.log(`  ${path.padEnd(12)} ${f(row.lcpCold)} ${f(row.ttiCold)} ${f(row.lcpWarm)} ${f(row.ttiWarm)}`);
}
console.log(`  targets: LCP cold ≤ ${TARGET.lcpCold} ms, interactive cold ≤ ${TARGET.ttiCold} ms, warm ≤ ${TARGET.warm} ms — ${met ? 'met' : 'not met'}`);
await browser.close();
