import { expect, test, type Page } from '@playwright/test';

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';
const hydrated = (page: Page) => expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });
const pct = (s: string | null) => (s && /\d/.test(s) ? parseFloat(s) : -1);

test('the performance table sorts and opens a partner on its own page', async ({ page }) => {
  await page.goto('/partners?view=performance&range=90d');
  await hydrated(page);
  const rows = page.getByTestId('partner-row');
  await expect(rows).toHaveCount(50);
  // Sorted by index, highest first, by default.
  const index = async () =>
    (await page.getByTestId('partner-index').allTextContents()).map((t) => (t === '–' ? -1 : Number(t)));
  const byIndex = await index();
  expect(byIndex[0]).toBeGreaterThanOrEqual(byIndex[1]);
  expect(byIndex[1]).toBeGreaterThanOrEqual(byIndex[10]);

  // Sort by PSS: highest first; again: lowest first.
  await page.locator('th a[data-sort=pss]').click();
  await expect(page).toHaveURL(/sort=pss&dir=desc/);
  await expect(page.locator('th[aria-sort=descending] a[data-sort=pss]')).toHaveCount(1);
  const pssCells = () => rows.locator('td:nth-child(7)').allTextContents();
  await expect.poll(async () => pct((await pssCells())[0]) >= pct((await pssCells())[5])).toBe(true);
  await page.locator('th a[data-sort=pss]').click();
  await expect(page).toHaveURL(/sort=pss&dir=asc/);
  await expect(page.locator('th[aria-sort=ascending] a[data-sort=pss]')).toHaveCount(1);

  // Open the first partner.
  const first = rows.first().getByTestId('partner-link');
  const name = (await first.textContent())?.trim() ?? '';
  const id = await rows.first().getAttribute('data-partner');
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/partners/${id}\\?`));
  await expect(page.getByTestId('partner-name')).toHaveText(name);
  await expect(page.getByTestId('partner-index')).toBeVisible();
  await expect(page.getByTestId('pipeline').locator('tr[data-stage]')).toHaveCount(6);
  await hydrated(page);
  await expect(page.locator('#partner-revenue-weeks canvas')).toHaveCount(1);
  // Back to the table keeps the range.
  await page.getByRole('link', { name: '← All partners' }).click();
  await expect(page).toHaveURL(/view=performance.*range=90d|range=90d.*view=performance/);
});

test('the partner summary, its views and live stock counts', async ({ page, request }) => {
  await page.goto('/partners?range=30d');
  await expect(page.getByTestId('partners-active')).toContainText('active');
  await expect(page.getByTestId('attention').locator('li')).toHaveCount(5);
  await page.locator('a[data-view=engagement]').click();
  await expect(page.getByTestId('engagement-table').locator('tbody tr')).toHaveCount(50);
  await page.locator('a[data-view=revenue]').click();
  await expect(page.getByTestId('pipeline')).toBeVisible();
  await page.locator('a[data-view=operations]').click();
  await expect(page).toHaveURL(/view=operations/);
  await hydrated(page);
  const reorder = page.getByTestId('ops-reorder').getByTestId('tile-value');
  const before = Number(await reorder.textContent());

  // A stock count below its reorder level for a new SKU shows up without a reload.
  const res = await request.post('/api/v1/inventory', {
    headers: { authorization: `Bearer ${KEY}` },
    data: [{ partner_id: 'globex', sku: `E2E-${Date.now()}`, on_hand: 2, reorder_level: 10, at: new Date().toISOString() }],
  });
  expect(res.status()).toBe(200);
  await expect.poll(async () => Number(await reorder.textContent()), { timeout: 10_000 }).toBe(before + 1);

  // The home page shows customers and partners side by side.
  await page.goto('/?range=30d');
  await expect(page.getByTestId('total-partners')).toHaveText(/^\d+$/);
  expect(Number(await page.getByTestId('total-customers').textContent().then((t) => t?.replace(/,/g, '')))).toBeGreaterThan(1000);
});

test.describe('a partner account', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('sees only its own partner', async ({ page }) => {
    await page.goto('/login');
    await page.locator('input[name=email]').fill('partner@demo.signalroom');
    await page.locator('input[name=password]').fill('signalroom-demo');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('who')).toContainText('partner · globex');
    await page.goto('/partners?view=performance&range=90d');
    await expect(page.getByTestId('partner-scope')).toContainText('globex');
    await expect(page.getByTestId('partner-row')).toHaveCount(1);
    await expect(page.getByTestId('partner-row')).toHaveAttribute('data-partner', 'globex');
    await page.getByTestId('partner-link').click();
    await expect(page).toHaveURL(/\/partners\/globex/);
    await expect(page.getByTestId('partner-name')).toHaveText('Globex');
    const other = await page.goto('/partners/northwind');
    expect(other?.status()).toBe(403);
    await expect(page.getByTestId('error-panel')).toBeVisible();
    const filtered = await page.goto('/partners?partner=northwind');
    expect(filtered?.status()).toBe(403);
  });
});
