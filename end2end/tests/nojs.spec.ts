import { expect, test } from '@playwright/test';

// With JavaScript off (issue 18, acceptance): every page's figures are readable and every
// chart's figures are shown as an open table in place of the empty chart box.
const PAGES = [
  '/', '/support', '/support/tickets', '/voice', '/journey', '/sales', '/partners',
  '/partners?view=revenue', '/partners/northwind', '/alerts', '/alerts/rules', '/shares',
];

test('every page reads without JavaScript, charts as tables', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: '.auth/analyst.json' });
  const page = await context.newPage();
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.locator('h1'), path).toHaveCount(1);
    await expect(page.getByText('Loading…'), path).toHaveCount(0);
    // No empty chart box is shown; each chart's table is visible instead.
    for (const chart of await page.locator('.chart').all()) {
      await expect(chart, `${path}: a chart box`).toBeHidden();
    }
    for (const table of await page.locator('details.chart-table table').all()) {
      await expect(table, `${path}: a chart's table`).toBeVisible();
    }
  }
  // The summary's trend is one of them, with a row per period.
  await page.goto('/');
  await expect(page.locator('[data-testid=chart-table] tbody tr').first()).toBeVisible();
  await context.close();
});

test('with JavaScript on the charts draw and their tables fold away', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });
  await expect(page.getByTestId('trend-chart')).toBeVisible();
  await expect(page.locator('[data-testid=chart-table] table').first()).toBeHidden();
});
