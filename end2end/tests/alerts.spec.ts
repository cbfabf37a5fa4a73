import { expect, test } from '@playwright/test';

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3187';

test('an alert raised by an ingest appears in the open inbox without reload and can be acknowledged', async ({ page, request }) => {
  const segment = `e2e-${Date.now()}`;
  const name = `E2E CSAT in ${segment}`;
  const rule = await request.post('/api/v1/alert-rules', {
    headers: { authorization: `Bearer ${KEY}`, origin: BASE },
    data: {
      name, metric: 'csat', filters: { segment }, severity: 'critical',
      condition: { type: 'below', threshold: 50 }, min_sample: 5, for_secs: 0,
    },
  });
  expect(rule.status()).toBe(201);

  await page.goto('/alerts');
  await expect(page.getByTestId('live-badge')).toHaveText('Live');
  await expect(page.getByTestId('alert-bell')).toBeVisible();
  const card = page.getByTestId('alert-card').filter({ hasText: name });
  await expect(card).toHaveCount(0);

  const at = new Date(Date.now() - 60_000).toISOString();
  const answers = Array.from({ length: 6 }, (_, i) => ({
    id: `${segment}-${i}`, kind: 'csat', score: 1, responded_at: at, segment,
    comment: 'The agent never answered my question',
  }));
  const posted = Date.now();
  const res = await request.post('/api/v1/surveys', { headers: { authorization: `Bearer ${KEY}` }, data: answers });
  expect(res.ok()).toBeTruthy();

  // No reload: the engine evaluates on the ingest notice and the inbox hears of it live.
  await expect(card).toHaveCount(1, { timeout: 10_000 });
  console.log(`ingest-to-inbox: ${Date.now() - posted} ms`);
  await expect(card.getByTestId('alert-state')).toHaveText('firing');
  await expect(card.getByTestId('alert-value')).toHaveText('0.0%');
  await expect(card.locator('.verbatim').first()).toContainText('never answered');
  await expect(page.getByTestId('alert-count')).toBeVisible();

  await card.getByTestId('alert-ack').click();
  await expect(card.getByTestId('alert-state')).toHaveText('acknowledged');
  await expect(card).toContainText('acknowledged by analyst@demo.signalroom');
  await expect(page.getByTestId('alert-log-row').filter({ hasText: name }).first()).toContainText('acknowledged');

  await card.getByTestId('alert-action-text').fill('Called the customer back');
  await card.getByRole('button', { name: 'Record' }).click();
  await expect(card.locator('.action-taken')).toContainText('Called the customer back');
});

test('a rule is tested on the last 30 days, saved and listed', async ({ page }) => {
  await page.goto('/alerts/rules');
  await expect(page.getByTestId('rules-table')).toContainText('CSAT below 60%');
  const name = `NPS watch ${Date.now()}`;
  await page.getByTestId('rule-name').fill(name);
  await page.getByTestId('rule-metric').selectOption('nps');
  await page.getByTestId('rule-condition').selectOption('below');
  await page.getByTestId('rule-value').fill('100');
  await page.getByTestId('rule-window').fill('7');
  await page.getByTestId('rule-test').click();
  // The demo has NPS answers every day, all below 100: every day breaches.
  await expect(page.getByTestId('history-summary')).toHaveText('30 of 30 days in breach: it would have fired');
  await expect(page.locator('[data-testid=history-chart] circle.breach')).toHaveCount(30);
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('rule-row').filter({ hasText: name })).toContainText('NPS below 100.0 over the last 7 days');
});

test('the rule tester says which days were below the minimum sample, with axes and a table', async ({ page }) => {
  await page.goto('/alerts/rules');
  await expect(page.getByTestId('live-badge').or(page.getByTestId('rules-table'))).toBeVisible();
  await page.getByTestId('rule-name').fill('Chat CSAT watch');
  await page.getByTestId('rule-metric').selectOption('csat');
  await page.getByTestId('rule-condition').selectOption('below');
  await page.getByTestId('rule-value').fill('80');
  await page.getByTestId('rule-window').fill('1');
  await page.getByTestId('rule-min-sample').fill('100000');
  await page.getByTestId('rule-filter-dim').selectOption('channel');
  await page.getByTestId('rule-filter-value').fill('chat');
  await page.getByTestId('rule-test').click();
  // No day has 100,000 chat answers: none is evaluated, and the tester says so.
  await expect(page.getByTestId('history-summary')).toHaveText('0 of 30 days in breach: it would not have fired');
  await expect(page.getByTestId('history-short')).toContainText('30 of 30 days had fewer than 100,000 answers');
  await expect(page.locator('[data-testid=history-chart] circle.short')).not.toHaveCount(0);
  await expect(page.locator('[data-testid=history-chart] .hc-tick').first()).toBeVisible();
  await expect(page.getByTestId('history-table').locator('tbody tr')).toHaveCount(30);
  await expect(page.getByTestId('history-table')).toContainText('not enough data (n =');
});

test('Edit brings the rule form into view', async ({ page }) => {
  await page.goto('/alerts/rules');
  await expect(page.getByTestId('rules-table')).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.getByTestId('rule-row').last().getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('rule-form').getByRole('heading', { name: 'Edit rule' })).toBeInViewport();
});

test('the rule form offers the known filter values, and "Chat" is the chat channel', async ({ page }) => {
  await page.goto('/alerts/rules');
  await expect(page.getByTestId('rules-table')).toBeVisible();
  await page.getByTestId('rule-filter-dim').selectOption('segment');
  // The values the data holds are offered as the value's list.
  const options = page.locator('#rule-filter-values option');
  await expect(options.first()).toBeAttached();
  const values = await options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(values).toContain('smb');
  await expect(page.getByTestId('rule-filter-value')).toHaveAttribute('list', 'rule-filter-values');
  await page.getByTestId('rule-filter-dim').selectOption('channel');
  await expect.poll(() => options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toContain('chat');
  // A value typed in another case is the stored value, not a filter that matches nothing.
  const name = `Chat CSAT ${Date.now()}`;
  await page.getByTestId('rule-name').fill(name);
  await page.getByTestId('rule-metric').selectOption('csat');
  await page.getByTestId('rule-condition').selectOption('below');
  await page.getByTestId('rule-value').fill('80');
  await page.getByTestId('rule-filter-value').fill('Chat');
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('rule-row').filter({ hasText: name })).toContainText('channel=chat');
});
