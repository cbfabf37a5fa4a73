import { expect, test } from '@playwright/test';

test('the support page shows the support metrics and drills into a channel', async ({ page }) => {
  await page.goto('/support');
  for (const id of ['tile-frt', 'tile-resolution', 'tile-fcr', 'tile-csat', 'tile-tickets', 'tile-backlog']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(page.getByTestId('tile-frt').locator('.tile-value')).toHaveText(/\d+ (s|min|h|d)/);
  await expect(page.getByTestId('channel-row')).toHaveCount(4);
  await expect(page.getByTestId('incident-times')).toContainText('critical');
  await expect(page.getByTestId('open-incidents')).toContainText('Slow search results');
  const all = Number((await page.getByTestId('tile-tickets').locator('.tile-value').textContent())!.replace(/,/g, ''));
  await page.getByTestId('channel-row').filter({ hasText: 'chat' }).getByRole('link').click();
  await expect(page).toHaveURL(/\/support\?.*channel=chat/);
  await expect(page.getByTestId('support-filter')).toContainText('chat');
  await expect(page.getByTestId('channel-row')).toHaveCount(1);
  const chat = Number((await page.getByTestId('tile-tickets').locator('.tile-value').textContent())!.replace(/,/g, ''));
  expect(chat).toBeGreaterThan(0);
  expect(chat).toBeLessThan(all);
});
