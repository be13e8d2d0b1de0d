import { expect, test } from '@playwright/test';

test('a guest signs in and sees the example components', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  for (const name of [
    'web-shop',
    'checkout-api',
    'billing-service',
    'notification-worker',
  ]) {
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await page.screenshot({ path: 'artifacts/screenshots/catalog.png' });
});
