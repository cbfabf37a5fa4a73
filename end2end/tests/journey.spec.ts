import { expect, test, type Page } from '@playwright/test';

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';
const hydrated = (page: Page) => expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });
const num = (s: string | null) => Number((s ?? '').replace(/[^0-9.]/g, ''));

test('the journey funnel changes breakdown and keeps its figures consistent', async ({ page }) => {
  await page.goto('/journey?range=30d');
  await hydrated(page);
  const steps = page.getByTestId('funnel-step');
  await expect(steps).toHaveCount(4);
  await expect(steps.first().locator('th')).toHaveText('Awareness');
  await expect(page.locator('#funnel-chart canvas')).toHaveCount(1);
  const entered = num(await steps.first().getByTestId('step-people').textContent());
  expect(entered).toBeGreaterThan(100);
  // Each step holds at most the people of the one before.
  const people = (await page.getByTestId('step-people').allTextContents()).map(num);
  for (let i = 1; i < people.length; i++) expect(people[i]).toBeLessThanOrEqual(people[i - 1]);
  await expect(page.getByTestId('breakdown-table')).toHaveCount(0);

  await page.getByTestId('breakdown-select').selectOption('channel');
  await expect(page).toHaveURL(/breakdown=channel/);
  const rows = page.getByTestId('breakdown-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('breakdown-table')).toContainText('web');
  await expect(page.getByTestId('breakdown-table')).toContainText('app');
  // The breakdown partitions the entrants.
  const byChannel = (await rows.locator('td:nth-child(2)').allTextContents()).map(num);
  expect(byChannel.reduce((a, b) => a + b, 0)).toBe(entered);

  await page.getByTestId('breakdown-select').selectOption('region');
  await expect(page).toHaveURL(/breakdown=region/);
  await expect(page.getByTestId('breakdown-table')).toContainText('de');
  await expect(page.getByTestId('breakdown-select')).toHaveValue('region');
  // The cohort heatmap: weekly by default, then monthly.
  await expect(page.getByTestId('cohort-row')).toHaveCount(8);
  await page.getByRole('link', { name: 'Monthly cohorts' }).click();
  await expect(page).toHaveURL(/cohort=month/);
  await expect(page.getByTestId('cohort-row')).toHaveCount(12);
});

test('events sent over the tracking API show up in a custom funnel', async ({ page, request }) => {
  const run = `${Date.now()}`;
  const auth = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
  const at = (minsAgo: number) => new Date(Date.now() - minsAgo * 60_000).toISOString();
  const r = await request.post('/v1/batch', {
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    data: {
      batch: [
        { type: 'track', messageId: `${run}-1`, anonymousId: `a-${run}`, event: `E2E Start ${run}`, timestamp: at(10) },
        { type: 'identify', messageId: `${run}-2`, anonymousId: `a-${run}`, userId: `u-${run}` },
        { type: 'track', messageId: `${run}-3`, userId: `u-${run}`, event: `E2E Finish ${run}`, timestamp: at(4) },
      ],
    },
  });
  expect(r.status()).toBe(200);
  expect((await r.json()).accepted).toBe(3);
  const steps = encodeURIComponent(`E2E Start ${run},E2E Finish ${run}`);
  await page.goto(`/journey?range=7d&steps=${steps}`);
  await expect(page.getByTestId('step-people')).toHaveText(['1', '1']);
  await expect(page.getByTestId('funnel-step').nth(1)).toContainText('6 min');
});

test('the sales page shows every metric against its target with 12-month trends', async ({ page }) => {
  await page.goto('/sales?range=30d');
  await hydrated(page);
  for (const id of ['conversion_rate', 'aov', 'cart_abandonment', 'repeat_purchase_rate', 'return_rate', 'churn_rate', 'clv', 'cac', 'clv_cac_ratio']) {
    await expect(page.getByTestId(id).getByTestId('tile-value')).not.toHaveText('No data');
    await expect(page.getByTestId(id)).toContainText('target');
  }
  await expect(page.getByTestId('channel-row').filter({ hasText: 'search' })).toHaveCount(1);
  await expect(page.getByTestId('channel-row').filter({ hasText: 'web' })).toHaveCount(1);
  await expect(page.locator('.trend-card canvas')).toHaveCount(9);
});

test('the sales page drills down by channel from its filter bar, and the controls say so', async ({ page }) => {
  await page.goto('/sales?range=30d');
  await hydrated(page);
  const bar = page.getByTestId('filter-bar');
  await expect(bar).toBeVisible();
  // Only the filters sales figures take; no bucket (the trends are monthly).
  await expect(page.getByTestId('filter-partner')).toHaveCount(0);
  await expect(page.getByTestId('filter-touchpoint')).toHaveCount(0);
  await expect(bar.locator('select[name=bucket]')).toHaveCount(0);
  const all = Number((await page.getByTestId('channel-row').count()));
  expect(all).toBeGreaterThan(1);
  await page.getByTestId('filter-channel').selectOption('web');
  await expect(page).toHaveURL(/\/sales\?.*channel=web/);
  await expect(page.getByTestId('channel-row')).toHaveCount(1);
  await expect(page.getByTestId('channel-row').first()).toContainText('web');
  await expect(page.getByTestId('filter-channel')).toHaveValue('web');
  await expect(page.getByTestId('aov').getByTestId('tile-value')).not.toHaveText('No data');
  // Reset goes back to every order on this page, not to the summary.
  await bar.getByRole('link', { name: 'Reset' }).click();
  await expect(page).toHaveURL(/\/sales$/);
  await expect(page.getByTestId('channel-row')).toHaveCount(all);
});
