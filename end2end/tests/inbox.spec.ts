import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

// The alert inbox in a person's hands (issue 18, item 4).

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3187';
const live = (page: Page) => expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });

// A critical CSAT rule on its own segment, and answers that break it: `count` alerts, one
// per channel, raised within a tick.
async function raise(request: APIRequestContext, tag: string, channels: string[]) {
  const segment = `inbox-${tag}-${Date.now()}`;
  const name = `Inbox ${tag} ${segment}`;
  const rule = await request.post('/api/v1/alert-rules', {
    headers: { authorization: `Bearer ${KEY}`, origin: BASE },
    data: {
      name, metric: 'csat', filters: { segment }, severity: 'critical', group_by: 'channel',
      condition: { type: 'below', threshold: 50 }, min_sample: 3, for_secs: 0,
    },
  });
  expect(rule.status(), await rule.text()).toBe(201);
  const at = new Date(Date.now() - 60_000).toISOString();
  const answers = channels.flatMap((channel) =>
    Array.from({ length: 4 }, (_, i) => ({
      id: `${segment}-${channel}-${i}`, kind: 'csat', score: 1, responded_at: at, segment, channel,
    })),
  );
  const res = await request.post('/api/v1/surveys', { headers: { authorization: `Bearer ${KEY}` }, data: answers });
  expect(res.ok()).toBeTruthy();
  return name;
}

test('typed text survives re-renders and focus stays on the acknowledged alert', async ({ page, request }) => {
  await page.goto('/alerts');
  await live(page);
  const name = await raise(request, 'keep', ['phone', 'email']);
  const cards = page.getByTestId('alert-card').filter({ hasText: name });
  await expect(cards).toHaveCount(2, { timeout: 10_000 });
  const first = cards.nth(0);
  const second = cards.nth(1);
  const firstId = await first.getAttribute('data-alert-id');

  // A half-typed note on the second card, then the first is acknowledged by keyboard.
  await second.getByTestId('alert-action-text').fill('half a thought');
  await first.getByTestId('alert-ack').focus();
  await page.keyboard.press('Enter');
  const acked = page.locator(`[data-testid=alert-card][data-alert-id="${firstId}"]`);
  await expect(acked.getByTestId('alert-state')).toHaveText('acknowledged');
  // The focus is still in the acknowledged card, so a second Enter cannot hit another alert.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid=alert-card]')?.getAttribute('data-alert-id')))
    .toBe(firstId);
  await page.keyboard.press('Enter');
  await expect(second.getByTestId('alert-state')).toHaveText('firing');
  await expect(second.getByTestId('alert-action-text')).toHaveValue('half a thought');

  // An assignee typed right after Acknowledge is kept through the refresh and sent.
  await acked.getByTestId('alert-assignee').fill('dana');
  await acked.getByRole('button', { name: /^Assign / }).click();
  await expect(acked).toContainText('assigned to dana');
  // Another person acknowledges the second alert: the note typed here stays.
  const otherId = await second.getAttribute('data-alert-id');
  const r = await request.post(`/api/v1/alerts/${otherId}/actions`, {
    headers: { authorization: `Bearer ${KEY}`, origin: BASE },
    data: { action: 'acknowledge' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  const other = page.locator(`[data-testid=alert-card][data-alert-id="${otherId}"]`);
  await expect(other.getByTestId('alert-state')).toHaveText('acknowledged');
  await expect(other.getByTestId('alert-action-text')).toHaveValue('half a thought');
});

test('an arrow key on the status select does not change the status', async ({ page, request }) => {
  await page.goto('/alerts');
  await live(page);
  const name = await raise(request, 'arrow', ['chat']);
  const card = page.getByTestId('alert-card').filter({ hasText: name });
  await expect(card).toHaveCount(1, { timeout: 10_000 });
  await card.getByTestId('alert-status').focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(500);
  await expect(card.getByTestId('alert-state')).toHaveText('firing');
  await card.getByTestId('alert-status-set').click();
  await expect(card.getByTestId('alert-state')).toHaveText('acknowledged');
});

test('the header counts the open tab; filters, grouping, paging and bulk acknowledge', async ({ page, request }) => {
  await page.goto('/alerts?view=customer');
  await live(page);
  await expect(page.getByTestId('tab-customer')).toHaveAttribute('aria-current', 'page');
  // The header's counts are the tab's own alerts.
  const count = async (what: string) => Number(await page.getByTestId(`count-${what}`).textContent());
  const shownTotal = async () => Number(((await page.getByTestId('inbox-shown').textContent()) ?? '').split(' of ')[1]?.split(' ')[0].replace(/,/g, ''));
  expect((await count('critical')) + (await count('warning')) + (await count('info'))).toBe(await shownTotal());
  await page.getByTestId('tab-partner').click();
  await expect(page.getByTestId('tab-partner')).toHaveAttribute('aria-current', 'page');
  await expect.poll(shownTotal).toBeGreaterThan(0);
  expect((await count('critical')) + (await count('warning')) + (await count('info'))).toBe(await shownTotal());
  // Many partner alerts: one page of cards at a time, so the tab stays usable.
  const partnerCards = await page.getByTestId('alert-card').count();
  expect(partnerCards).toBeLessThanOrEqual(25);

  await page.goto('/alerts?view=customer');
  await live(page);
  const name = await raise(request, 'bulk', ['phone', 'email', 'chat']);
  await expect(page.getByTestId('alert-card').filter({ hasText: name })).toHaveCount(3, { timeout: 10_000 });
  // Filter to this rule, grouped.
  const ruleValue = await page.getByTestId('inbox-rule').locator('option', { hasText: name }).getAttribute('value');
  await page.goto(`/alerts?view=customer&rule=${ruleValue}&group=rule&state=firing`);
  await live(page);
  await expect(page.getByTestId('alert-group')).toHaveText(`${name} · 3`);
  await expect(page.getByTestId('alert-card')).toHaveCount(3);
  await expect(page.getByTestId('inbox-rule')).toHaveValue(ruleValue!);
  // Bulk acknowledge.
  await page.getByTestId('select-firing').click();
  await expect(page.getByTestId('ack-selected')).toHaveText('Acknowledge selected (3)');
  await page.getByTestId('ack-selected').click();
  await expect(page.getByTestId('inbox-empty')).toBeVisible({ timeout: 10_000 });
  await page.goto(`/alerts?view=customer&rule=${ruleValue}&state=acknowledged`);
  await expect(page.getByTestId('alert-card')).toHaveCount(3);
});

test('the log says each action once, on its own row', async ({ page, request }) => {
  await page.goto('/alerts');
  await live(page);
  const name = await raise(request, 'log', ['email']);
  const card = page.getByTestId('alert-card').filter({ hasText: name });
  await expect(card).toHaveCount(1, { timeout: 10_000 });
  for (const text of ['first step', 'second step']) {
    await card.getByTestId('alert-action-text').fill(text);
    await card.getByRole('button', { name: /^Record / }).click();
    await expect(card.locator('.action-taken')).toContainText(text);
    // Recorded: the note field is empty again for the next one.
    await expect(card.getByTestId('alert-action-text')).toHaveValue('');
  }
  const rows = page.getByTestId('alert-log-row').filter({ hasText: name });
  await expect(rows.filter({ hasText: 'second step' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'first step' })).toHaveCount(1);
});
