import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { APIRequestContext, expect, test } from '@playwright/test';

/**
 * A nested cluster as a citizen of the portal: the search page finds it by
 * name, and the workloads inside it show in its component's Kubernetes tab.
 * The cluster is created through the REST API as the guest user.
 */

const COMPONENT = 'checkout-api';
const SETTLE_TIMEOUT = 180_000;

test.describe.configure({ timeout: 600_000 });

async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/auth/guest/refresh');
  expect(response.ok()).toBe(true);
  const body = await response.json();
  return body.backstageIdentity.token;
}

test('search finds a nested cluster and the Kubernetes tab shows its workloads', async ({
  page,
  request,
}) => {
  const name = `int-${Date.now().toString(36)}`;
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const api = '/api/nested-clusters/clusters';

  const created = await request.post(api, {
    headers,
    data: {
      name,
      profile: 'sandbox',
      host: 'simulated',
      entityRef: `component:default/${COMPONENT}`,
    },
  });
  expect(created.status()).toBe(202);
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${api}/simulated/${name}`, { headers })
          ).json()
        ).status,
      { timeout: SETTLE_TIMEOUT },
    )
    .toBe('Running');

  // A workload inside the nested cluster, created with its own kubeconfig.
  const kubeconfig = await request.get(`${api}/simulated/${name}/kubeconfig`, {
    headers,
  });
  const kc = new KubeConfig();
  kc.loadFromString(await kubeconfig.text());
  const labels = { app: 'checkout', 'backstage.io/kubernetes-id': COMPONENT };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'checkout-web', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    },
  });

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  // The collator runs every 30 s; search until the cluster is indexed.
  await expect(async () => {
    await page.goto(`/search?query=${name}`);
    await expect(page.getByText(name).first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 120_000 });
  await page.screenshot({ path: 'artifacts/screenshots/search.png' });

  await page.goto(`/catalog/default/component/${COMPONENT}/kubernetes`);
  await page
    .getByRole('button', { name: `${name} (nested cluster on simulated)` })
    .click();
  await expect(page.getByText('checkout-web').first()).toBeVisible({
    timeout: 120_000,
  });
  await expect(
    page.getByText('There was a problem retrieving Kubernetes objects'),
  ).toHaveCount(0);
  await page.screenshot({ path: 'artifacts/screenshots/kubernetes-tab.png' });

  const deleted = await request.delete(`${api}/simulated/${name}`, { headers });
  expect(deleted.status()).toBe(202);
});
