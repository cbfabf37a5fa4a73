import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';

// axe-core on every page (issue 18, item 10): no contrast failures, one `h1` per page, no
// empty table headers, unique landmarks and a label on every input.
const RULES = ['color-contrast', 'page-has-heading-one', 'empty-table-header', 'landmark-unique', 'label'];

const PAGES = [
  '/',
  '/?metric=csat&by=channel',
  '/support',
  '/support/tickets',
  '/voice',
  '/journey',
  '/sales',
  '/partners',
  '/partners/northwind',
  '/alerts',
  '/alerts/rules',
  '/shares',
];

async function audit(page: Page, path: string) {
  await page.goto(path);
  // Charts and live content settle after hydration; the audit reads the finished page.
  await page.waitForLoadState('networkidle');
  const result = await new AxeBuilder({ page }).withRules(RULES).analyze();
  const found = result.violations.map(
    (v) => `${v.id}: ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target.join(' ')} — ${v.nodes[0]?.failureSummary}`,
  );
  expect(found, `axe violations on ${path}`).toEqual([]);
}

for (const path of PAGES) {
  test(`axe: ${path}`, async ({ page }) => {
    await audit(page, path);
  });
}

async function signIn(browser: Browser, email: string) {
  const context = await browser.newContext({ storageState: undefined });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill('signalroom-demo');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('who')).toContainText(email);
  return { context, page };
}

test('axe: the admin pages', async ({ browser }) => {
  const { context, page } = await signIn(browser, 'admin@demo.signalroom');
  for (const path of ['/admin/users', '/admin/keys', '/admin/audit', '/admin/lexicon']) {
    await audit(page, path);
  }
  await context.close();
});

test('axe: the sign-in page and a partner account', async ({ browser }) => {
  const anon = await browser.newContext({ storageState: undefined });
  await audit(await anon.newPage(), '/login');
  await anon.close();
  const { context, page } = await signIn(browser, 'partner@demo.signalroom');
  for (const path of ['/', '/partners']) {
    await audit(page, path);
  }
  await context.close();
});

test('axe in dark mode (issue 18, item 12)', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark', storageState: '.auth/analyst.json' });
  const page = await context.newPage();
  for (const path of ['/', '/support', '/voice', '/partners', '/alerts', '/alerts/rules']) {
    await audit(page, path);
  }
  // Dark really is dark.
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(bg).toBe('rgb(15, 22, 32)');
  await context.close();
});
