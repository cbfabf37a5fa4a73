import { expect, test } from '@playwright/test';

// Navigation and layout (issue 18, item 8): one navigation row with every section and the
// current page marked, an `h1` per page, and no sideways scrolling on a 390 px phone.

const PAGES = [
  '/', '/support', '/support/tickets', '/voice', '/journey', '/sales', '/partners',
  '/partners/northwind', '/alerts', '/alerts/rules', '/shares',
];

test('the navigation names every section and marks the current one', async ({ page }) => {
  await page.goto('/support/tickets');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Summary', 'Support', 'Voice', 'Journey', 'Sales', 'Partners', 'Alerts', 'Rules', 'Share links']) {
    await expect(nav.getByRole('link', { name: label, exact: true })).toBeVisible();
  }
  await expect(nav.locator('[aria-current=page]')).toHaveText('Support');
  await page.goto('/alerts/rules');
  await expect(page.getByRole('navigation', { name: 'Main' }).locator('[aria-current=page]')).toHaveText('Rules');
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.locator('h1')).toHaveText('Alert rules');
});

test('every page has one h1, and the navigation row sits at the same height everywhere', async ({ page }) => {
  let top: number | undefined;
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.locator('h1'), path).toHaveCount(1);
    const box = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    expect(box, path).not.toBeNull();
    top ??= box!.y;
    expect(box!.y, `nav position on ${path}`).toBe(top);
  }
});

test('at 390 px no page scrolls sideways and the navigation is one line', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: '.auth/analyst.json' });
  const page = await context.newPage();
  for (const path of PAGES) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `page width of ${path} at 390 px`).toBeLessThanOrEqual(390);
    const nav = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    expect(nav!.height, `navigation height on ${path}`).toBeLessThan(40);
  }
  await context.close();
});

test('a skip link jumps past the top bar and the filters', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(page.getByRole('link', { name: 'Skip the filters' })).toHaveAttribute('href', '#after-filters');
});
