import { expect, test } from '@playwright/test';

test('a guest signs in and sees the example components', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'web-shop' })).toBeVisible();

  // The catalog opens on the guest's own components; list everyone's.
  await page.goto('/?filters%5Bkind%5D=component&filters%5Buser%5D=all');
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
