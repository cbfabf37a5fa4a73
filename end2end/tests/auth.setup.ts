import { expect, test as setup } from '@playwright/test';

// Signs in once as the demo analyst; the dashboard specs reuse the session.
setup('sign in as the demo analyst', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=%2F/);
  await page.locator('input[name=email]').fill('analyst@demo.signalroom');
  await page.locator('input[name=password]').fill('signalroom-demo');
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('who')).toContainText('analyst@demo.signalroom');
  await page.context().storageState({ path: '.auth/analyst.json' });
});
