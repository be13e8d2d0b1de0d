import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect, Locator, Page, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/**
 * The whole journey of a nested cluster through the portal: created by the
 * sandbox template, watched on the component page until Running, used through
 * its downloaded kubeconfig, paused, resumed and deleted from the card.
 */

const HOST = 'simulated';
const COMPONENT = 'web-shop';
const SCREENSHOTS = 'artifacts/screenshots';
// Provisioning on the simulated host takes seconds; the card polls every 5 s.
const SETTLE_TIMEOUT = 180_000;

test.describe.configure({ timeout: 600_000 });

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: COMPONENT })).toBeVisible();
}

async function runSandboxTemplate(page: Page, name: string) {
  await page.goto('/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Nested cluster sandbox', { exact: true }) });
  await card.getByRole('button', { name: 'Choose' }).click();

  const component = page.getByRole('textbox', { name: 'Component' });
  await component.fill(COMPONENT);
  await page.getByRole('option', { name: COMPONENT, exact: true }).click();

  // The profile picker lists the backend's profiles and preselects the first.
  const sandbox = page.getByRole('radio', { name: /Sandbox/ });
  await expect(sandbox).toBeChecked();
  await expect(
    page.getByText(/Kubernetes v\d+\.\d+\.\d+ · expires after/).first(),
  ).toBeVisible();
  await page.getByRole('textbox', { name: 'Cluster name' }).fill(name);

  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByRole('link', { name: 'Open the component' }),
  ).toBeVisible({
    timeout: SETTLE_TIMEOUT,
  });
}

function clusterCard(page: Page): Locator {
  return page.getByRole('region', { name: 'Nested clusters' });
}

function clusterRow(page: Page, name: string): Locator {
  return clusterCard(page).getByTestId(`${HOST}/${name}`);
}

async function expectStatus(row: Locator, status: string) {
  await expect(row).toContainText(status, { timeout: SETTLE_TIMEOUT });
}

test('a guest creates, uses, pauses, resumes and deletes a nested cluster', async ({
  page,
}) => {
  const name = `e2e-${Date.now().toString(36)}`;
  await signInAsGuest(page);

  await test.step('run the sandbox template from the Create page', async () => {
    await runSandboxTemplate(page, name);
  });

  const row = clusterRow(page, name);
  await test.step('the component page lists the cluster until it runs', async () => {
    await page.goto(`/catalog/default/component/${COMPONENT}`);
    await expect(row).toBeVisible();
    await clusterCard(page).screenshot({
      path: `${SCREENSHOTS}/card-created.png`,
    });
    await expectStatus(row, 'Running');
    await clusterCard(page).screenshot({
      path: `${SCREENSHOTS}/card-running.png`,
    });
  });

  await test.step('the downloaded short-lived kubeconfig reaches the nested cluster', async () => {
    await row
      .getByRole('button', { name: `Download kubeconfig of ${name}` })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Token expires after').click();
    await page.getByRole('option', { name: '1h' }).click();
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(
      `${HOST}-${name}.kubeconfig.yaml`,
    );
    // The dialog says when the token expires, and offers to download again.
    await expect(dialog.getByRole('status')).toContainText(
      /Your token expires at .* \(in (59m|1h)\)/,
    );
    await expect(
      dialog.getByRole('button', { name: 'Download again' }),
    ).toBeVisible();
    await dialog.screenshot({ path: `${SCREENSHOTS}/kubeconfig-dialog.png` });
    await dialog.getByRole('button', { name: 'Close' }).click();
    const text = await readFile(await download.path(), 'utf8');

    const document = parse(text) as {
      contexts: { name: string }[];
      users: { name: string; user: { token?: string } }[];
    };
    expect(document.contexts.map(c => c.name)).toContain(`${HOST}-${name}`);
    // The guest's own ServiceAccount token, not the vcluster's admin credentials.
    expect(document.users.map(u => u.name)).toEqual([`guest@${HOST}-${name}`]);
    expect(document.users[0].user.token).toBeTruthy();

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(text);
    kubeConfig.setCurrentContext(`${HOST}-${name}`);
    expect(kubeConfig.getCurrentCluster()?.server).toMatch(/^https:\/\//);
    const namespaces = await kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespace();
    expect(namespaces.items.map(ns => ns.metadata?.name)).toContain('default');
  });

  await test.step('pause and resume from the card', async () => {
    await row.getByRole('button', { name: `Pause ${name}` }).click();
    await expectStatus(row, 'Paused');
    await page.mouse.move(0, 0);
    await clusterCard(page).screenshot({
      path: `${SCREENSHOTS}/card-paused.png`,
    });
    await row.getByRole('button', { name: `Resume ${name}` }).click();
    await expectStatus(row, 'Running');
  });

  await test.step('the clusters page lists it with the hosts', async () => {
    await page.getByRole('link', { name: 'Nested clusters' }).first().click();
    await expect(page).toHaveURL(/\/nested-clusters$/);
    await expect(
      page
        .getByRole('table', { name: 'Nested clusters' })
        .getByTestId(`${HOST}/${name}`),
    ).toBeVisible();
    await expect(page.getByRole('table', { name: 'Hosts' })).toContainText(
      'Healthy',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/page.png`, fullPage: true });
  });

  await test.step('delete after typing its name', async () => {
    await page.goto(`/catalog/default/component/${COMPONENT}`);
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete' });
    await expect(confirm).toBeDisabled();
    await dialog
      .getByRole('textbox', { name: 'Cluster name to confirm deletion' })
      .fill(name);
    await dialog.screenshot({ path: `${SCREENSHOTS}/delete-dialog.png` });
    await confirm.click();
    await expect(row).toHaveCount(0, { timeout: SETTLE_TIMEOUT });
    await clusterCard(page).screenshot({
      path: `${SCREENSHOTS}/card-deleted.png`,
    });
  });
});
