/*
 * `yarn workspace @nested-clusters/plugin-nested-clusters-backend bench:access`:
 * the time to issue a per-user kubeconfig through the real backend, on a
 * simulated host with 50 ms latency on every host API call. The same-run
 * baseline is the admin kubeconfig (one Secret read on the host).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { startHostSimulator } from '@nested-clusters/host-simulator';
import {
  createRunningCluster,
  FAST_DELAYS,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { performance } from 'node:perf_hooks';
import { ms, percentile, Row, table, times } from './stats';

const LATENCY_MS = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const ADMIN = mockCredentials.user.header('user:default/dana');

async function main() {
  const sim = await startHostSimulator({
    delays: FAST_DELAYS,
    nodeAddress: '127.77.0.1',
  });
  const harness = await startBackend({
    hosts: [
      {
        config: {
          name: 'bench',
          url: sim.url,
          installer: 'helm-job',
          auth: { type: 'serviceAccount', token: sim.token, caData: sim.caPem },
          exposure: { type: 'nodePort', nodeAddress: sim.nodeAddress },
        },
      },
    ],
  });
  try {
    await createRunningCluster(harness, { name: 'bench', host: 'bench' });
    sim.faults.setLatency(LATENCY_MS);
    const path = '/api/nested-clusters/clusters/bench/bench';
    const timed = async (call: () => Promise<{ status: number }>) => {
      const start = performance.now();
      const res = await call();
      if (res.status !== 200) {
        throw new Error(`answered ${res.status}`);
      }
      return performance.now() - start;
    };
    const issue = () =>
      timed(() =>
        harness.server
          .get(`${path}/kubeconfig`)
          .set('Authorization', USERS.guest)
          .set('Accept', 'application/json'),
      );
    const first: number[] = [];
    const again: number[] = [];
    const admin: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // First download: ServiceAccount, binding and token are all created.
      await harness.server
        .delete(`${path}/access/me`)
        .set('Authorization', USERS.guest);
      first.push(await issue());
      // Download again: both exist, only a token is requested.
      again.push(await issue());
      admin.push(
        await timed(() =>
          harness.server
            .get(`${path}/kubeconfig/admin`)
            .set('Authorization', ADMIN),
        ),
      );
    }
    const baseline = percentile(admin, 50);
    const row = (figure: string, sample: number[], p: number): Row => ({
      figure: `${figure} p${p}`,
      value: ms(percentile(sample, p)),
      baseline: ms(percentile(admin, p)),
      ratio: times(percentile(sample, p), percentile(admin, p)),
      target: '-',
      met: '-',
    });
    // eslint-disable-next-line no-console
    console.log(
      `Per-user kubeconfig issue time, ${SAMPLES} samples, ${LATENCY_MS} ms host latency (baseline: admin kubeconfig, p50 ${ms(
        baseline,
      )}; ratio = issue time / baseline)\n${table([
        row('first download (creates ServiceAccount)', first, 50),
        row('first download (creates ServiceAccount)', first, 95),
        row('download again', again, 50),
        row('download again', again, 95),
      ])}`,
    );
  } finally {
    await harness.stop();
    await sim.stop();
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exitCode = 1;
});
