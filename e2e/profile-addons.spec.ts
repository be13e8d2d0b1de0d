import { expect, Page, test } from '@playwright/test';

/**
 * The seed's demo through the portal: the sandbox template creates a cluster
 * of the `ci` profile, whose add-ons (Tekton Pipelines' CRDs and the Tekton
 * Chains chart) vcluster deploys inside it, and the component's card shows
 * them becoming ready.
 */

const HOST = 'simulated';
const COMPONENT = 'web-shop';
const SCREENSHOTS = 'artifacts/screenshots';
// Provisioning plus the add-ons on the simulated host take seconds; the card polls every 5 s.
const SETTLE_TIMEOUT = 180_000;

test.describe.configure({ timeout: 600_000 });

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: COMPONENT })).toBeVisible();
}

test('a ci cluster from the template shows its add-ons becoming ready on the card', async ({
  page,
}) => {
  const name = `ci-${Date.now().toString(36)}`;
  await signInAsGuest(page);

  await test.step('pick the ci profile in the sandbox template', async () => {
    await page.goto('/create');
    const card = page.locator('.MuiCard-root').filter({
      has: page.getByText('Nested cluster sandbox', { exact: true }),
    });
    await card.getByRole('button', { name: 'Choose' }).click();
    const component = page.getByRole('textbox', { name: 'Component' });
    await component.fill(COMPONENT);
    await page.getByRole('option', { name: COMPONENT, exact: true }).click();

    await page.getByRole('radio', { name: /CI \(Tekton\)/ }).check();
    await expect(
      page.getByText('Add-ons: tekton-pipelines, tekton-chains (chart 0.26.0)'),
    ).toBeVisible();
    await page.getByRole('textbox', { name: 'Cluster name' }).fill(name);
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(
      page.getByRole('link', { name: 'Open the component' }),
    ).toBeVisible({ timeout: SETTLE_TIMEOUT });
  });

  const row = page
    .getByRole('region', { name: 'Nested clusters' })
    .getByTestId(`${HOST}/${name}`);
  await test.step('the card shows Running, then every add-on ready', async () => {
    await page.goto(`/catalog/default/component/${COMPONENT}`);
    await expect(row).toContainText('Running', { timeout: SETTLE_TIMEOUT });
    await expect(row).toContainText('add-ons: 2/2 ready', {
      timeout: SETTLE_TIMEOUT,
    });
    await page
      .getByRole('region', { name: 'Nested clusters' })
      .screenshot({ path: `${SCREENSHOTS}/card-addons-ready.png` });
  });

  await test.step('delete it again', async () => {
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByRole('textbox', { name: 'Cluster name to confirm deletion' })
      .fill(name);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0, { timeout: SETTLE_TIMEOUT });
  });
});
