import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  APIRequestContext,
  Download,
  expect,
  Locator,
  Page,
  test,
} from '@playwright/test';
import { readFile } from 'node:fs/promises';

/**
 * A nested cluster's own entity page: search finds the cluster once and
 * leads there; its overview card shows the status and hands out a
 * kubeconfig; its Kubernetes tab lists what runs inside the cluster. And the
 * component card's "New cluster" action creates another cluster for a
 * component that already has one.
 */

const HOST = 'simulated';
const API = '/api/nested-clusters/clusters';
const SCREENSHOTS = 'artifacts/screenshots';
const SETTLE_TIMEOUT = 180_000;

test.describe.configure({ timeout: 600_000 });

async function guestHeaders(request: APIRequestContext) {
  const response = await request.get('/api/auth/guest/refresh');
  expect(response.ok()).toBe(true);
  const body = await response.json();
  return { Authorization: `Bearer ${body.backstageIdentity.token}` };
}

async function createCluster(
  request: APIRequestContext,
  headers: Record<string, string>,
  name: string,
  component: string,
) {
  const created = await request.post(API, {
    headers,
    data: {
      name,
      profile: 'sandbox',
      host: HOST,
      entityRef: `component:default/${component}`,
    },
  });
  expect(created.status(), await created.text()).toBe(202);
}

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'web-shop' })).toBeVisible();
}

/**
 * Clicks the card's download action; the kubeconfig dialog, where there is
 * one, asks before downloading.
 */
async function downloadKubeconfig(
  page: Page,
  card: Locator,
  name: string,
): Promise<Download> {
  const downloading = page.waitForEvent('download');
  await card
    .getByRole('button', { name: `Download kubeconfig of ${name}` })
    .click();
  const dialog = page.getByRole('dialog');
  const refused = dialog.getByRole('alert');
  return Promise.race([
    downloading,
    dialog.waitFor().then(async () => {
      await dialog
        .getByRole('button', { name: 'Download', exact: true })
        .click();
      return Promise.race([
        downloading,
        // Fail with the backend's reason instead of waiting for the timeout.
        refused.waitFor().then(async () => {
          throw new Error(`No kubeconfig: ${await refused.textContent()}`);
        }),
      ]);
    }),
  ]);
}

/** Deletes the test's clusters even when it failed, so reruns stay under the owner's quota. */
async function deleteClusters(
  request: APIRequestContext,
  headers: Record<string, string>,
  names: string[],
) {
  for (const name of names) {
    const deleted = await request.delete(`${API}/${HOST}/${name}`, { headers });
    expect([202, 404]).toContain(deleted.status());
  }
}

test('search leads to the cluster page: overview card, kubeconfig and Kubernetes tab', async ({
  page,
  request,
}) => {
  const name = `page-${Date.now().toString(36)}`;
  const headers = await guestHeaders(request);
  await createCluster(request, headers, name, 'web-shop');
  try {
    await signInAsGuest(page);
    await searchOpenAndUse(page, name);
  } finally {
    await deleteClusters(request, headers, [name]);
  }
});

async function searchOpenAndUse(page: Page, name: string) {
  await test.step('search for the name finds the cluster once', async () => {
    // The collator runs every 30 s; search until the cluster is indexed.
    const results = page.getByRole('link', { name: new RegExp(name) });
    await expect(async () => {
      await page.goto(`/search?query=${name}`);
      await expect(results.first()).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 120_000 });
    await expect(results).toHaveCount(1);
    await page.screenshot({ path: `${SCREENSHOTS}/search-one-result.png` });
    await results.click();
    // The cluster's own Resource entity (its name comes from the backend).
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/resource/[^/]*${name}$`),
    );
  });

  const card = page.getByRole('region', { name: 'Nested cluster' });
  await test.step('the overview card shows it Running', async () => {
    await expect(card.getByRole('row', { name: /^Status/ })).toContainText(
      'Running',
      { timeout: SETTLE_TIMEOUT },
    );
    await expect(card.getByRole('row', { name: /^Host/ })).toContainText(HOST);
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: `${SCREENSHOTS}/cluster-entity-page.png`,
      fullPage: true,
    });
    await card.screenshot({ path: `${SCREENSHOTS}/cluster-overview-card.png` });
  });

  let kubeConfig = new KubeConfig();
  await test.step('a kubeconfig downloaded from the card reaches the cluster', async () => {
    const download = await downloadKubeconfig(page, card, name);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(await readFile(await download.path(), 'utf8'));
    const namespaces = await kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespace();
    expect(namespaces.items.map(ns => ns.metadata?.name)).toContain('default');
    await page.keyboard.press('Escape');
  });

  await test.step('the Kubernetes tab lists a Deployment created inside it', async () => {
    // No backstage.io/kubernetes-id label: the tab shows every workload.
    const labels = { app: 'inventory' };
    await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'inventory', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
          },
        },
      },
    });
    await page.goto(`${new URL(page.url()).pathname}/kubernetes`);
    await page
      .getByRole('button', { name: `${name} (nested cluster on ${HOST})` })
      .click();
    await expect(page.getByText('inventory').first()).toBeVisible({
      timeout: 120_000,
    });
    await expect(
      page.getByText('There was a problem retrieving Kubernetes objects'),
    ).toHaveCount(0);
    await page.screenshot({
      path: `${SCREENSHOTS}/cluster-kubernetes-tab.png`,
      fullPage: true,
    });
  });
}

test("the card's New cluster action creates a second cluster for a component", async ({
  page,
  request,
}) => {
  const component = 'checkout-api';
  const first = `first-${Date.now().toString(36)}`;
  const second = `second-${Date.now().toString(36)}`;
  const headers = await guestHeaders(request);
  await createCluster(request, headers, first, component);
  try {
    await signInAsGuest(page);
    await createSecondFromCard(page, component, first, second);
  } finally {
    await deleteClusters(request, headers, [first, second]);
  }
});

async function createSecondFromCard(
  page: Page,
  component: string,
  first: string,
  second: string,
) {
  const card = page.getByRole('region', { name: 'Nested clusters' });
  await page.goto(`/catalog/default/component/${component}`);
  await expect(card.getByTestId(`${HOST}/${first}`)).toBeVisible();

  await card.getByRole('button', { name: 'New cluster' }).click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/nested-cluster-sandbox\?formData=/,
  );
  // The component comes filled in from the card.
  await expect(page.getByRole('textbox', { name: 'Component' })).toHaveValue(
    `component:default/${component}`,
  );
  await page.getByRole('textbox', { name: 'Cluster name' }).fill(second);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('link', { name: 'Open the component' })
    .click({ timeout: SETTLE_TIMEOUT });

  await expect(card.getByTestId(`${HOST}/${first}`)).toBeVisible();
  await expect(card.getByTestId(`${HOST}/${second}`)).toBeVisible();
  await page.mouse.move(0, 0);
  await card.screenshot({ path: `${SCREENSHOTS}/card-new-cluster.png` });
}
