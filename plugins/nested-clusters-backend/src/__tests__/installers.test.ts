import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  BUILT_IN_INSTALLERS,
  HostClient,
  Installer,
  InstallRequest,
  nestedClustersInstallersExtensionPoint,
} from '@nested-clusters/plugin-nested-clusters-node';
import {
  adminClients,
  eventually,
  Harness,
  hostConfig,
  SimulatedHost,
  startBackend,
  startSimulators,
  USERS,
} from '@nested-clusters/test-harness';

const MARK = 'example.com/installed-by';

/** An adopter's installer: helm-job's objects, marked as theirs. */
class TeamInstaller implements Installer {
  readonly type = 'team-helm';

  constructor(private readonly helmJob: Installer) {}

  manifests(request: InstallRequest): KubernetesObject[] {
    return this.helmJob.manifests(request).map(object => ({
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata?.annotations, [MARK]: this.type },
      },
    }));
  }

  installerObjects(name: string, namespace: string) {
    return this.helmJob.installerObjects(name, namespace);
  }

  watchedResource(client: HostClient) {
    return this.helmJob.watchedResource(client);
  }

  kubeconfigSecret(name: string) {
    return this.helmJob.kubeconfigSecret(name);
  }

  pausePatches(name: string, namespace: string) {
    return this.helmJob.pausePatches(name, namespace);
  }

  resumePatches(name: string, namespace: string) {
    return this.helmJob.resumePatches(name, namespace);
  }
}

const teamInstallerModule = createBackendModule({
  pluginId: 'nested-clusters',
  moduleId: 'team-installer',
  register(env) {
    env.registerInit({
      deps: { installers: nestedClustersInstallersExtensionPoint },
      async init({ installers }) {
        installers.addInstaller(
          'team-helm',
          host => new TeamInstaller(BUILT_IN_INSTALLERS.get('helm-job')!(host)),
        );
      },
    });
  },
});

describe('the installers extension point', () => {
  let team: SimulatedHost;
  let other: SimulatedHost;
  let harness: Harness;

  beforeAll(async () => {
    [team, other] = await startSimulators(['team', 'other']);
    harness = await startBackend({
      hosts: [
        { config: { ...hostConfig(team), installer: 'team-helm' } },
        other,
        {
          config: {
            ...hostConfig({ name: 'nobody', sim: other.sim }),
            installer: 'not-registered',
          },
        },
      ],
      features: [teamInstallerModule],
      fastHosts: true,
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([team?.sim.stop(), other?.sim.stop()]);
  });

  const get = (path: string, user = USERS.guest) =>
    harness.server
      .get(`/api/nested-clusters${path}`)
      .set('Authorization', user);

  it("serves hosts that use a module's installer; an unregistered type is one host's health error", async () => {
    // Health messages are for nested-clusters.host.read: platform-admins (dana).
    const dana = mockCredentials.user.header('user:default/dana');
    await eventually(async () => {
      const res = await get('/hosts', dana);
      expect(res.status).toBe(200);
      const byName = Object.fromEntries(
        res.body.items.map((h: { name: string }) => [h.name, h]),
      );
      expect(byName.team).toMatchObject({
        installer: 'team-helm',
        healthy: true,
      });
      expect(byName.other).toMatchObject({ healthy: true });
      expect(byName.nobody).toMatchObject({
        installer: 'not-registered',
        healthy: false,
      });
      expect(byName.nobody.message).toContain(
        'installer type "not-registered" is not registered',
      );
    });
  });

  it("creates clusters with the module's installer", async () => {
    const res = await harness.server
      .post('/api/nested-clusters/clusters')
      .set('Authorization', USERS.guest)
      .send({ name: 'by-team', profile: 'sandbox', host: 'team' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ host: 'team', installer: 'team-helm' });

    const { core } = adminClients(team.sim);
    const configMaps = await core.listNamespacedConfigMap({
      namespace: res.body.namespace,
    });
    expect(configMaps.items.some(c => c.metadata?.annotations?.[MARK])).toBe(
      true,
    );
  });

  it('refuses to create on the host whose installer is missing, naming the type', async () => {
    const res = await harness.server
      .post('/api/nested-clusters/clusters')
      .set('Authorization', USERS.guest)
      .send({ name: 'nowhere', profile: 'sandbox', host: 'nobody' });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain('"not-registered"');
  });
});
