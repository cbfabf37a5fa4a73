import { expect, test, type Page } from '@playwright/test';

// Every test here starts signed out, in its own browser context.
test.use({ storageState: { cookies: [], origins: [] } });

const PASSWORD = 'signalroom-demo';
const hydrated = (page: Page) => expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });

async function signIn(page: Page, role: string) {
  await page.goto('/login');
  await page.locator('input[name=email]').fill(`${role}@demo.signalroom`);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('who')).toContainText(`${role}@demo.signalroom`);
}

test('a wrong password is refused on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await page.locator('input[name=email]').fill('viewer@demo.signalroom');
  await page.locator('input[name=password]').fill('not the password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('the admin sees and uses the admin pages', async ({ page }) => {
  await signIn(page, 'admin');
  await expect(page.getByRole('link', { name: 'Users' })).toBeVisible();
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId('user-row')).toHaveCount(4);
  await page.goto('/admin/audit?action=login.');
  await expect(page.getByTestId('audit-row').first()).toContainText('login.success');
  await page.goto('/admin/keys');
  await expect(page.getByTestId('key-row').first()).toBeVisible();
});

for (const role of ['analyst', 'viewer']) {
  test(`the ${role} reads every dashboard but no admin page`, async ({ page }) => {
    await signIn(page, role);
    await expect(page.getByTestId('kpi-tile')).toHaveCount(5);
    await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
    const resp = await page.goto('/admin/users');
    expect(resp?.status()).toBe(403);
    await expect(page.getByTestId('error-panel')).toContainText('forbidden');
  });
}

test('the partner sees only its own partner', async ({ page }) => {
  await signIn(page, 'partner');
  await expect(page.getByTestId('who')).toContainText('partner · globex');
  const options = await page.getByTestId('filter-partner').locator('option').allTextContents();
  expect(options.filter((o) => o !== 'All' && o.trim() !== '')).toEqual(['globex']);
  await expect(page.getByTestId('kpi-tile')).toHaveCount(5);
  const other = await page.goto('/?partner=northwind');
  expect(other?.status()).toBe(403);
  const admin = await page.goto('/admin/users');
  expect(admin?.status()).toBe(403);
});

test('a share link opens its view, read-only, in a fresh browser', async ({ page, browser }) => {
  const csp: string[] = [];
  await signIn(page, 'analyst');
  await page.goto('/?range=90d&channel=email');
  await hydrated(page);
  await page.getByTestId('share-button').click();
  await page.getByTestId('share-create').click();
  const link = page.getByTestId('share-url');
  await expect(link).toBeVisible();
  // The full URL, ready to paste elsewhere (issue 18, item 7), with a working copy button.
  const url = await link.inputValue();
  expect(url).toMatch(/^https?:\/\/[^/]+\/s\//);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share-copy').click();
  await expect(page.getByTestId('share-copy')).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const visit = await stranger.newPage();
  visit.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await visit.goto(url!);
  await expect(visit).toHaveURL(/range=90d/);
  await expect(visit).toHaveURL(/channel=email/);
  await expect(visit.getByTestId('shared-badge')).toBeVisible();
  await expect(visit.getByTestId('kpi-tile')).toHaveCount(5);
  await expect(visit.getByTestId('share-button')).toHaveCount(0);
  await expect(visit.getByTestId('shared-note')).toBeVisible();
  // The shared view says what it covers.
  await expect(visit.getByTestId('shared-scope')).toContainText('Channel: email');
  await expect(visit.getByTestId('shared-scope')).toContainText(/\d{1,2} \w{3} \d{4} – \d{1,2} \w{3} \d{4}/);
  await expect(visit.getByTestId('filter-bar')).toHaveCount(0);
  await hydrated(visit);
  // Any other page leads back to the shared view.
  await visit.goto('/admin/users');
  await expect(visit).toHaveURL(/channel=email/);
  expect(csp).toEqual([]);

  // Revoked, the link opens nothing, even in the browser that already used it.
  // The link can be shown (and copied) again from the list of links.
  await page.goto('/shares');
  await expect(page.getByTestId('share-row').first().getByTestId('share-url')).toHaveValue(url);
  await page.getByTestId('share-row').first().getByTestId('share-revoke').click();
  await expect(page.getByTestId('share-row').first()).toContainText('revoked');
  const again = await visit.goto(url!);
  expect(again?.status()).toBe(403);
  await stranger.close();
});

test('a partner account\'s trend says why it is empty instead of showing an empty box', async ({ page }) => {
  await signIn(page, 'partner');
  await page.goto('/?metric=nps&range=30d');
  // Every day of one partner's NPS is under the minimum sample of 30 answers.
  await expect(page.getByTestId('trend-not-enough')).toContainText('every period has fewer than 30 answers (the most is n =');
  // Weekly buckets over 90 days: some weeks are drawn, the rest are said to be gaps.
  await page.goto('/?metric=nps&range=90d&bucket=week');
  await expect(page.getByTestId('trend-not-enough')).toHaveCount(0);
  await expect(page.getByTestId('trend-gaps')).toContainText(/\d+ of \d+ periods have fewer than 30 answers and are left as gaps/);
});
