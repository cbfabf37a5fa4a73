import { expect, test } from '@playwright/test';

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';

const total = async (page: import('@playwright/test').Page) =>
  Number(((await page.getByTestId('feedback-total').textContent()) ?? '').split(' ')[0]);

test('clicking a word in the cloud filters the feedback log to texts using it', async ({ page }) => {
  await page.goto('/voice?range=30d');
  await expect(page.getByTestId('sentiment-score')).toBeVisible();
  await expect(page.getByTestId('word-cloud')).toBeVisible();
  await expect(page.getByTestId('keywords-negative').locator('li').first()).toBeVisible();
  await expect(page.locator('#voice-trend canvas')).toHaveCount(1);
  const before = await total(page);
  expect(before).toBeGreaterThan(100);

  await page.getByTestId('cloud-word').filter({ hasText: /^delivery$/ }).click();
  await expect(page).toHaveURL(/\/voice\?.*term=delivery/);
  await expect(page.getByTestId('chip-term')).toContainText('delivery');
  await expect(page.getByTestId('cloud-word').filter({ hasText: /^delivery$/ })).toHaveAttribute('aria-current', 'true');
  const after = await total(page);
  expect(after).toBeGreaterThan(0);
  expect(after).toBeLessThan(before);
  const texts = await page.getByTestId('feedback-row').locator('.feedback-text').allTextContents();
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t.toLowerCase()).toMatch(/deliver(y|ies)/);

  // Removing the chip brings the whole log back.
  await page.getByTestId('chip-term').click();
  await expect(page).not.toHaveURL(/term=/);
  await expect(page.getByTestId('chip-term')).toHaveCount(0);
  await expect.poll(() => total(page)).toBe(before);
});

test('new feedback appears live and the partner and social views show their own data', async ({ page, request }) => {
  await page.goto('/voice?range=7d&q=e2e-marker');
  await expect(page.getByTestId('live-badge')).toHaveText('Live');
  expect(await total(page)).toBe(0);
  const res = await request.post('/api/v1/feedback', {
    headers: { authorization: `Bearer ${KEY}` },
    data: [{ id: `e2e-${Date.now()}`, source: 'review', text: 'e2e-marker: the new export is wonderful!', at: new Date(Date.now() - 60_000).toISOString() }],
  });
  expect(res.status()).toBe(200);
  await expect(page.getByTestId('feedback-row')).toHaveCount(1);
  await expect(page.getByTestId('feedback-row')).toContainText('positive');

  await page.goto('/voice?range=30d');
  await page.getByTestId('voice-tab-partners').click();
  await expect(page).toHaveURL(/audience=partner/);
  await expect(page.getByTestId('sentiment-by-source')).toContainText('Partner portal');
  await page.getByTestId('voice-tab-social-media').click();
  await expect(page).toHaveURL(/view=social/);
  await expect(page.getByTestId('social-mentions')).toBeVisible();
  await expect(page.getByTestId('influencers').locator('tbody tr').first()).toContainText('@');
});

test('the sentiment trend downloads as CSV with the rows its table shows', async ({ page }) => {
  await page.goto('/voice?range=30d');
  const trend = page.getByTestId('sentiment-trend');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    trend.getByTestId('csv-link').first().click(),
  ]);
  expect(download.suggestedFilename()).toBe('voice-trend.csv');
  const fs = await import('node:fs');
  const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toBe('Period starting,Sentiment score');
  const rows = trend.getByTestId('chart-table').first().locator('tbody tr');
  expect(lines.length - 1).toBe(await rows.count());
  // The first row reads as the table does: its label and its value to two places.
  const label = (await rows.first().locator('th').textContent())!.trim();
  const value = (await rows.first().locator('td').first().textContent())!.trim().replace('−', '-');
  expect(lines[1]).toBe(`${label.includes(',') ? `"${label}"` : label},${value === '–' ? '' : value}`);
});
