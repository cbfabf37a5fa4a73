import { expect, test, type Page } from '@playwright/test';

// The domain lexicon and the voice page's filters (issue 18, item 11). The term is one no demo
// text uses, so the re-scoring it causes leaves every other test's figures alone.
test.use({ storageState: { cookies: [], origins: [] } });

const KEY = process.env.INGEST_KEY ?? 'e2e-ingest-key-0001';

async function signIn(page: Page, role: string) {
  await page.goto('/login');
  await page.locator('input[name=email]').fill(`${role}@demo.signalroom`);
  await page.locator('input[name=password]').fill('signalroom-demo');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('who')).toContainText(`${role}@demo.signalroom`);
}

const row = (page: Page, term: string) => page.locator(`[data-testid=lexicon-row][data-term="${term}"]`);

test('an admin adds a term, texts are scored with it, and removing it re-scores them', async ({ page, request }) => {
  const word = `zorpish${Date.now() % 100000}`;
  await signIn(page, 'admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lexicon', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/lexicon$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Domain lexicon');
  // The shipped customer-service words are listed with their reasons.
  await expect(row(page, 'slow')).toContainText('−1.5');
  await expect(row(page, 'on hold')).toHaveAttribute('data-origin', 'shipped');

  await page.getByTestId('lexicon-term').fill(word);
  await page.getByTestId('lexicon-valence').fill('-2');
  await page.getByTestId('lexicon-note').fill('our customers say it of broken things');
  await page.getByTestId('lexicon-save').click();
  await expect(row(page, word)).toHaveAttribute('data-origin', 'added');
  await expect(row(page, word)).toContainText('−2.0');
  await expect(page.getByTestId('rescore-status')).toHaveAttribute('data-running', 'false', { timeout: 20_000 });

  // A new text with the word is negative at once; the whole page narrows to it.
  const res = await request.post('/api/v1/feedback', {
    headers: { authorization: `Bearer ${KEY}` },
    data: [{ id: `lex-${word}`, source: 'review', text: `The checkout felt ${word} today`, at: new Date(Date.now() - 60_000).toISOString() }],
  });
  expect(res.status()).toBe(200);
  await page.goto(`/voice?range=7d&q=${word}`);
  await expect(page.getByTestId('feedback-row')).toHaveCount(1);
  await expect(page.getByTestId('feedback-row')).toContainText('negative');
  await expect(page.getByTestId('positive-share')).toContainText('of 1 texts');

  // Edit fills the form; Remove takes the term away and the stored text is re-scored.
  await page.goto('/admin/lexicon');
  await row(page, word).getByRole('button', { name: `Edit ${word}` }).click();
  await expect(page.getByTestId('lexicon-term')).toHaveValue(word);
  await row(page, word).getByRole('button', { name: `Remove: ${word}` }).click();
  await expect(row(page, word)).toHaveCount(0);
  await expect(page.getByTestId('rescore-status')).toHaveAttribute('data-running', 'false', { timeout: 20_000 });
  await page.goto(`/voice?range=7d&q=${word}`);
  await expect(page.getByTestId('feedback-row')).toContainText('neutral');
});

test('a bad valence is refused with its reason, and non-admins have no lexicon page', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin/lexicon');
  await page.getByTestId('lexicon-term').fill('two words!');
  await page.getByTestId('lexicon-valence').fill('1');
  await page.getByTestId('lexicon-save').click();
  await expect(page.getByTestId('lexicon-error')).toContainText('letters');
  await page.context().clearCookies();
  await signIn(page, 'analyst');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lexicon' })).toHaveCount(0);
  const r = await page.goto('/admin/lexicon');
  expect(r?.status()).toBe(403);
});

test('no matching texts says so on the voice page, with a way back', async ({ page }) => {
  await signIn(page, 'analyst');
  await page.goto('/voice?range=30d&q=no-such-word-anywhere');
  await expect(page.getByTestId('voice-empty')).toContainText('No texts match these filters');
  await page.getByTestId('voice-empty').getByRole('link', { name: 'Clear the filters' }).click();
  await expect(page).not.toHaveURL(/q=/);
  await expect(page.getByTestId('voice-empty')).toHaveCount(0);
  await expect(page.getByTestId('feedback-row').first()).toBeVisible();
});
