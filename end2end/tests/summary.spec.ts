import { expect, test, type Page } from '@playwright/test';

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';

const tile = (page: Page, metric: string) => page.locator(`[data-testid=kpi-tile][data-metric=${metric}]`);
const sampleOf = async (page: Page, metric: string) => {
  const text = (await tile(page, metric).getByTestId('tile-n').textContent()) ?? '';
  return Number(text.replace(/^n = /, '').split(' ')[0].replace(/,/g, ''));
};
const hydrated = (page: Page) => expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });

test('the dashboard renders the seeded KPIs', async ({ page }) => {
  const csp: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto('/');
  await expect(page.getByTestId('kpi-tile')).toHaveCount(5);
  for (const m of ['nps', 'csat', 'ces', 'pss', 'pnps']) {
    await expect(tile(page, m).getByTestId('tile-value')).toHaveText(/^[−-]?[\d,]+(\.\d+)?%?$/);
    expect(await sampleOf(page, m)).toBeGreaterThan(30);
  }
  await expect(page.getByTestId('breakdown-table').locator('tbody tr')).toHaveCount(7);
  await hydrated(page);
  // The trend chart is drawn by ECharts once hydrated.
  await expect(page.locator('#trend-nps canvas')).toHaveCount(1);
  // The strict CSP (nonce, no inline scripts) blocks nothing the app needs.
  expect(csp).toEqual([]);
});

test('a filter change updates the URL and the numbers; reload and Back keep them in step', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const all = await sampleOf(page, 'nps');
  await page.getByTestId('filter-channel').selectOption('phone');
  await expect(page).toHaveURL(/[?&]channel=phone\b/);
  await expect.poll(() => sampleOf(page, 'nps')).toBeLessThan(all);
  const phone = await sampleOf(page, 'nps');
  expect(phone).toBeGreaterThan(0);

  await page.reload();
  await expect(page.getByTestId('filter-channel')).toHaveValue('phone');
  expect(await sampleOf(page, 'nps')).toBe(phone);

  await hydrated(page);
  await page.getByTestId('filter-range').selectOption('90d');
  await expect(page).toHaveURL(/range=90d/);
  await expect(page).toHaveURL(/channel=phone/);
  await page.goBack();
  await expect(page).not.toHaveURL(/range=90d/);
  await expect.poll(() => sampleOf(page, 'nps')).toBe(phone);
  await page.goBack();
  await expect(page).not.toHaveURL(/channel=/);
  await expect.poll(() => sampleOf(page, 'nps')).toBe(all);
});

test('clicking a breakdown row filters on it and selecting a tile changes the charts', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('breakdown-table').getByRole('link', { name: 'email', exact: true }).click();
  await expect(page).toHaveURL(/channel=email/);
  await expect(page.getByTestId('filter-channel')).toHaveValue('email');
  await tile(page, 'csat').locator('a.tile-link').click();
  await expect(page).toHaveURL(/metric=csat/);
  await expect(page.getByRole('heading', { name: 'CSAT trend' })).toBeVisible();
  await expect(page.locator('#trend-csat canvas')).toHaveCount(1);
});

test('a survey batch posted through the API shows up on the open page within 2 s', async ({ page, request }) => {
  await page.goto('/?range=7d');
  await hydrated(page);
  const before = await sampleOf(page, 'nps');
  const now = Date.now();
  const batch = Array.from({ length: 40 }, (_, i) => ({
    id: `e2e-live-${now}-${i}`,
    kind: 'nps',
    score: 10,
    channel: 'chat',
    responded_at: new Date(now - 60_000).toISOString(),
  }));
  const res = await request.post('/api/v1/surveys', {
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    data: batch,
  });
  expect(res.status()).toBe(200);
  expect((await res.json()).accepted).toBe(40);
  const posted = Date.now();
  await expect.poll(() => sampleOf(page, 'nps'), { timeout: 2_000, intervals: [50] }).toBe(before + 40);
  console.log(`live update shown ${Date.now() - posted} ms after the ingest answered`);
  await expect(tile(page, 'nps').getByTestId('tile-updated')).toContainText('UTC');
});

test('the page shows its numbers with JavaScript off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/?channel=email&metric=csat');
  await expect(tile(page, 'csat').getByTestId('tile-value')).toHaveText(/%$/);
  await expect(page.getByTestId('filter-channel')).toHaveValue('email');
  await context.close();
});

test('the layout fits a phone screen', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('kpi-tile')).toHaveCount(5);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});

test('an invalid view explains itself with a 400', async ({ page }) => {
  const res = await page.goto('/?bucket=hour');
  expect(res?.status()).toBe(400);
  await expect(page.getByTestId('error-panel')).toContainText('invalid_bucket');
});

test('an analyst edits a target from its tile; status and target line follow, and the default comes back', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const t = tile(page, 'pss');
  const target = t.locator('.tile-target');
  await expect(target).toHaveText(/^Target ≥ 80(\.0)?%$/);
  await t.getByTestId('target-edit').locator('summary').click();
  await t.getByTestId('target-threshold').fill('1');
  await t.getByTestId('target-save').click();
  // The change notice redraws every tile: the new goal is met.
  await expect(target).toHaveText(/^Target ≥ 1(\.0)?%$/);
  await expect(t.getByTestId('tile-status')).toHaveText('✓ On target');
  // A bad value is refused with its reason, and nothing changes.
  await t.getByTestId('target-edit').locator('summary').click();
  await t.getByTestId('target-threshold').fill('150');
  await t.getByTestId('target-save').click();
  await expect(t.getByTestId('target-error')).toContainText('outside');
  await expect(target).toHaveText(/^Target ≥ 1(\.0)?%$/);
  await t.getByTestId('target-reset').click();
  await expect(target).toHaveText(/^Target ≥ 80(\.0)?%$/);
});

test('a viewer is offered no target editing', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('input[name=email]').fill('viewer@demo.signalroom');
  await page.locator('input[name=password]').fill('signalroom-demo');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('who')).toContainText('viewer@demo.signalroom');
  await page.goto('/');
  await expect(page.getByTestId('kpi-tile')).toHaveCount(5);
  await expect(page.getByTestId('target-edit')).toHaveCount(0);
  await context.close();
});

test('a tile and the trend explain their metric in an info popover', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const info = tile(page, 'csat').getByTestId('metric-info');
  await info.getByLabel('About CSAT').click();
  await expect(info).toHaveAttribute('open', '');
  await expect(info).toContainText('Formula');
  await expect(info).toContainText(/Based on n = [\d,]+/);
  await expect(info).toContainText(/Target ≥ \d+/);
  // The trend header names the selected metric's definition too.
  await expect(page.locator('.panel-head').getByTestId('metric-info').first()).toHaveCount(1);
});

test('the bucket that holds today is marked as not over', async ({ page }) => {
  await page.goto('/?range=30d&bucket=day');
  await expect(page.getByTestId('trend-partial')).toBeVisible();
  const rows = page.getByTestId('chart-table').first().locator('tbody tr');
  await expect(rows.last().locator('th')).toContainText('(so far)');
  await expect(page.getByTestId('chart-table').first().locator('tbody th', { hasText: '(so far)' })).toHaveCount(1);
});

test('the trend and the breakdown download as CSV with the rows they show', async ({ page }) => {
  await page.goto('/?range=30d&by=channel');
  await hydrated(page);
  const read = async (index: number) => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-link').nth(index).click(),
    ]);
    const fs = await import('node:fs');
    return fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
  };
  const trend = await read(0);
  expect(trend[0]).toBe('t,nps,n,partial');
  const shown = await page.getByTestId('chart-table').first().locator('tbody tr').count();
  expect(trend.length - 1).toBe(shown);
  const breakdown = await read(1);
  expect(breakdown[0]).toBe('channel,nps,n');
  const bars = await page.getByTestId('breakdown-table').locator('tbody tr').count();
  expect(breakdown.length - 1).toBe(bars);
  // Each row's n is the table's.
  const firstN = (await page.getByTestId('breakdown-table').locator('tbody tr').first().locator('td').last().textContent())!.replace(/,/g, '');
  expect(breakdown[1].split(',').pop()).toBe(firstN.trim());
});

test('the summary shows the response time and the overall sentiment beside the surveys', async ({ page }) => {
  await page.goto('/');
  const figures = page.getByTestId('service-figure');
  await expect(figures).toHaveCount(2);
  await expect(page.locator('[data-testid=service-figure][data-metric=first_response_time] .service-value')).toHaveText(/\d+ (s|min|h)/);
  await expect(page.locator('[data-testid=service-figure][data-metric=sentiment_score] .service-value')).toHaveText(/^[−-]?\d\.\d\d$/);
});

test('the home counts what needs someone now, live, each count opening its list', async ({ page, request }) => {
  await page.goto('/');
  await hydrated(page);
  const panel = page.getByTestId('notifications');
  await expect(panel).toContainText('Real-time alerts and notifications');
  const count = async (id: string) => Number(((await panel.getByTestId(id).textContent()) ?? '').replace(/,/g, ''));
  const before = await count('notice-new-feedback');
  const res = await request.post('/api/v1/feedback', {
    headers: { authorization: `Bearer ${KEY}` },
    data: [{ id: `e2e-notice-${Date.now()}`, source: 'review', text: 'The checkout keeps failing, awful.', at: new Date(Date.now() - 1_000).toISOString() }],
  });
  expect(res.status()).toBe(200);
  await expect.poll(() => count('notice-new-feedback'), { timeout: 5_000 }).toBeGreaterThan(before);
  // The high-priority count is the total of the ticket list it opens.
  const high = await count('notice-high-priority-tickets');
  await panel.getByTestId('notice-high-priority-tickets').click();
  await expect(page).toHaveURL(/\/support\/tickets\?.*status=unresolved.*priority=high/);
  await expect(page.getByTestId('chip-priority')).toContainText('high,urgent');
  await expect(page.getByTestId('pager').first()).toContainText(`· ${high.toLocaleString('en-US')} tickets`);
  // Back on the home, the sentiment alerts open the inbox narrowed to those figures.
  await page.goBack();
  await panel.getByTestId('notice-sentiment-alerts').click();
  await expect(page).toHaveURL(/\/alerts\?view=customer&metric=negative_share/);
  await expect(page.getByTestId('inbox-metric')).toHaveValue('negative_share,sentiment_score');
});
