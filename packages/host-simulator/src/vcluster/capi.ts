import { parse as parseYaml } from 'yaml';
import { ControllerContext } from '../controllers/context';
import { field, ownerRef, upsert, writeStatus } from '../controllers/kinds';
import { FaultController } from '../faults';
import { isJsonObject, JsonObject } from '../json';
import { OwnerReference, StoredObject } from '../model';
import { ResourceType } from '../registry';
import { DEFAULT_CHART_VERSION } from './chart';
import {
  installChart,
  latestRelease,
  uninstallChart,
  valuesFromYaml,
} from './helm';
import { Condition, conditionOf, setConditions } from './conditions';
import { b64, VclusterRuntime } from './runtime';

const VCLUSTER_FINALIZER = 'vcluster.loft.sh/cleanup';
const CLUSTER_FINALIZER = 'cluster.cluster.x-k8s.io';
const CLUSTER_KEY = 'cluster.x-k8s.io/clusters';
const VCLUSTER_KEY = 'infrastructure.cluster.x-k8s.io/vclusters';

function valuesOf(vc: StoredObject): JsonObject {
  const release = field(field(vc, 'spec'), 'helmRelease');
  if (isJsonObject(release.valuesObject)) {
    return release.valuesObject;
  }
  return valuesFromYaml(release.values, parseYaml);
}

function chartVersionOf(vc: StoredObject) {
  const v = field(field(field(vc, 'spec'), 'helmRelease'), 'chart').version;
  return typeof v === 'string' && v
    ? v.replace(/^v/, '')
    : DEFAULT_CHART_VERSION;
}

function withoutFinalizer(obj: StoredObject, finalizer: string): StoredObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      finalizers: (obj.metadata.finalizers ?? []).filter(f => f !== finalizer),
    },
  };
}

function withFinalizer(obj: StoredObject, finalizer: string): StoredObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      finalizers: [...(obj.metadata.finalizers ?? []), finalizer],
    },
  };
}

/**
 * Cluster API core (the Cluster → infrastructure/control-plane ownership and
 * phases) plus cluster-api-provider-vcluster's VCluster reconciler.
 */
export function capiInstaller(
  ctx: ControllerContext,
  faults: FaultController,
  vclusters: VclusterRuntime,
) {
  const { api, store, runtime, kinds } = ctx;
  const clusterType = () => api.registry.byKey(CLUSTER_KEY);
  const vclusterType = () => api.registry.byKey(VCLUSTER_KEY);
  const hung = new Set<string>();

  const refsOf = (cluster: StoredObject) =>
    ['infrastructureRef', 'controlPlaneRef']
      .map(k => field(field(cluster, 'spec'), k))
      .filter(ref => ref.kind === 'VCluster' && typeof ref.name === 'string')
      .map(ref => String(ref.name));

  /** CAPI's Cluster controller: owns the referenced VCluster and mirrors its readiness. */
  const reconcileCluster = (ns: string, name: string) => {
    const ct = clusterType();
    const vt = vclusterType();
    const cluster = ct && api.tryGet(ct, ns, name);
    if (!ct || !vt || !cluster) {
      return;
    }
    const refs = [...new Set(refsOf(cluster))];
    if (cluster.metadata.deletionTimestamp) {
      let remaining = 0;
      for (const ref of refs) {
        const vc = api.tryGet(vt, ns, ref);
        if (vc) {
          remaining++;
          if (!vc.metadata.deletionTimestamp) {
            api.delete(vt, ns, ref);
          }
        }
      }
      if (
        remaining === 0 &&
        (cluster.metadata.finalizers ?? []).includes(CLUSTER_FINALIZER)
      ) {
        api.update(ct, ns, name, withoutFinalizer(cluster, CLUSTER_FINALIZER));
      } else {
        writeStatus(api, ct, cluster, {
          ...field(cluster, 'status'),
          phase: 'Deleting',
        });
      }
      return;
    }
    if (!(cluster.metadata.finalizers ?? []).includes(CLUSTER_FINALIZER)) {
      api.update(ct, ns, name, withFinalizer(cluster, CLUSTER_FINALIZER));
      return;
    }
    let ready = refs.length > 0;
    let initialized = false;
    let exists = false;
    for (const ref of refs) {
      const vc = api.tryGet(vt, ns, ref);
      if (!vc) {
        ready = false;
        continue;
      }
      exists = true;
      const owned = (vc.metadata.ownerReferences ?? []).some(
        r => r.uid === cluster.metadata.uid,
      );
      if (!owned) {
        const clusterOwner: OwnerReference = {
          ...ownerRef(cluster),
          controller: true,
        };
        api.update(vt, ns, ref, {
          ...vc,
          metadata: {
            ...vc.metadata,
            labels: {
              ...vc.metadata.labels,
              'cluster.x-k8s.io/cluster-name': name,
            },
            ownerReferences: [
              ...(vc.metadata.ownerReferences ?? []),
              clusterOwner,
            ],
          },
        });
      }
      const vstatus = field(vc, 'status');
      ready = ready && vstatus.ready === true;
      initialized = initialized || vstatus.initialized === true;
    }
    let phase = 'Pending';
    if (exists) phase = 'Provisioning';
    if (ready) phase = 'Provisioned';
    const status = field(cluster, 'status');
    const cond = (type: string, ok: boolean, reason: string): Condition => ({
      type,
      status: ok ? 'True' : 'False',
      reason: ok ? '' : reason,
      message: '',
      ...(ok ? {} : { severity: 'Info' as const }),
    });
    writeStatus(api, ct, cluster, {
      ...status,
      phase,
      infrastructureReady: ready,
      controlPlaneReady: ready,
      observedGeneration: cluster.metadata.generation ?? 1,
      conditions: setConditions(status, [
        cond('Ready', ready, 'WaitingForInfrastructure'),
        cond('InfrastructureReady', ready, 'WaitingForInfrastructure'),
        cond('ControlPlaneReady', ready, 'WaitingForControlPlane'),
        cond(
          'ControlPlaneInitialized',
          initialized,
          'WaitingForControlPlaneProviderInitialized',
        ),
      ]),
    });
  };

  const setVcStatus = (
    vt: ResourceType,
    vc: StoredObject,
    fields: JsonObject,
    conditions: Condition[],
  ) => {
    const status = field(vc, 'status');
    const merged = setConditions(status, conditions);
    const errorFalse = merged.some(
      c => c.status === 'False' && c.severity === 'Error',
    );
    const ready = fields.ready === true;
    const initialized = (fields.initialized ?? status.initialized) === true;
    let phase = 'Pending';
    if (errorFalse) phase = 'Failed';
    else if (
      ready &&
      conditionOf({ conditions: merged }, 'ControlPlaneInitialized')?.status ===
        'True'
    )
      phase = 'Deployed';
    writeStatus(api, vt, vc, {
      ...status,
      ...fields,
      initialized,
      phase,
      observedGeneration: vc.metadata.generation ?? 1,
      conditions: merged,
    });
  };

  /** cluster-api-provider-vcluster's reconcile loop. */
  const reconcileVCluster = (ns: string, name: string, installNow: boolean) => {
    const vt = vclusterType();
    const vc = vt && api.tryGet(vt, ns, name);
    if (!vt || !vc) {
      return;
    }
    if (vc.metadata.deletionTimestamp) {
      if ((vc.metadata.finalizers ?? []).includes(VCLUSTER_FINALIZER)) {
        runtime.enqueue(
          `capi-delete/${ns}/${name}`,
          () => {
            const current = api.tryGet(vt, ns, name);
            if (!current) return;
            uninstallChart(ctx, name, ns);
            if (api.tryGet(kinds.pvc, ns, `data-${name}-0`)) {
              api.delete(kinds.pvc, ns, `data-${name}-0`);
            }
            api.update(
              vt,
              ns,
              name,
              withoutFinalizer(current, VCLUSTER_FINALIZER),
            );
          },
          faults.scaleDelay(ctx.delays().uninstallMs),
        );
      }
      return;
    }
    const owner = (vc.metadata.ownerReferences ?? []).find(
      r => r.kind === 'Cluster' && r.apiVersion.startsWith('cluster.x-k8s.io/'),
    );
    if (!owner && clusterType()) {
      return; // "Waiting for Cluster Controller to set OwnerRef on VCluster"
    }
    if (!(vc.metadata.finalizers ?? []).includes(VCLUSTER_FINALIZER)) {
      api.update(vt, ns, name, withFinalizer(vc, VCLUSTER_FINALIZER));
      return;
    }
    const values = valuesOf(vc);
    const chartVersion = chartVersionOf(vc);
    const release = latestRelease(ctx, name, ns);
    const status = field(vc, 'status');
    const deployedGeneration =
      conditionOf(status, 'HelmChartDeployed')?.status === 'True' &&
      status.observedGeneration === vc.metadata.generation;
    if (!release || !deployedGeneration) {
      if (!installNow) {
        if (!conditionOf(status, 'HelmChartDeployed')) {
          setVcStatus(vt, vc, { ready: false }, [
            {
              type: 'HelmChartDeployed',
              status: 'False',
              reason: 'HelmChartDeploying',
              message: 'Deploying the vcluster helm chart',
              severity: 'Info',
            },
            {
              type: 'Ready',
              status: 'False',
              reason: 'HelmChartDeploying',
              message: 'Deploying the vcluster helm chart',
              severity: 'Info',
            },
          ]);
        }
        runtime.enqueue(
          `capi-install/${ns}/${name}`,
          () => reconcileVCluster(ns, name, true),
          faults.scaleDelay(ctx.delays().helmInstallMs),
        );
        return;
      }
      if (faults.installsHang) {
        hung.add(`${ns}/${name}`);
        return;
      }
      const failed = faults.installFails(name);
      installChart(
        ctx,
        { name, namespace: ns, chartVersion, values },
        { status: failed ? 'failed' : 'deployed' },
      );
      if (failed) {
        const message = `failed to deploy helm chart: Error: release ${name} failed: context deadline exceeded`;
        setVcStatus(
          vt,
          vc,
          { ready: false, reason: 'HelmChartDeployFailed', message },
          [
            {
              type: 'HelmChartDeployed',
              status: 'False',
              reason: 'HelmChartDeployFailed',
              message,
              severity: 'Error',
            },
            {
              type: 'Ready',
              status: 'False',
              reason: 'HelmChartDeployFailed',
              message,
              severity: 'Error',
            },
          ],
        );
        return;
      }
      setVcStatus(vt, vc, { ready: false }, [
        { type: 'HelmChartDeployed', status: 'True', reason: '', message: '' },
      ]);
      return;
    }
    // Deployed: wait for the syncer's kubeconfig, then export it for CAPI.
    const secret = api.tryGet(kinds.secret, ns, `vc-${name}`);
    const clusterName = owner?.name ?? name;
    let initialized = status.initialized === true;
    if (secret) {
      const service = api.tryGet(kinds.service, ns, name);
      const spec = field(vc, 'spec');
      const endpoint = field(spec, 'controlPlaneEndpoint');
      if (!endpoint.host && service) {
        // controllers/util.go DiscoverHostFromService: a LoadBalancer's address (waited for), else the ClusterIP.
        const svcSpec = field(service, 'spec');
        const lb = field(field(service, 'status'), 'loadBalancer').ingress;
        const first = Array.isArray(lb) && isJsonObject(lb[0]) ? lb[0] : {};
        const host =
          svcSpec.type === 'LoadBalancer'
            ? String(first.ip ?? first.hostname ?? '')
            : String(svcSpec.clusterIP ?? '');
        if (host) {
          api.patch(vt, ns, name, 'merge', {
            spec: {
              controlPlaneEndpoint: {
                host,
                port: Number(endpoint.port) || 443,
              },
            },
          });
        }
        return;
      }
      // controllers/vcluster_controller.go: the kubeconfig's server is the control-plane endpoint.
      const server = `https://${String(endpoint.host)}:${
        Number(endpoint.port) || 443
      }`;
      const kubeconfig = vclusters.kubeconfig(ns, name, server, clusterName);
      const certs = field(
        api.tryGet(kinds.secret, ns, `${name}-certs`),
        'data',
      );
      const clusterObj =
        owner && clusterType()
          ? api.tryGet(clusterType()!, ns, owner.name)
          : undefined;
      if (kubeconfig) {
        upsert(api, kinds.secret, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: `${clusterName}-kubeconfig`,
            namespace: ns,
            labels: { 'cluster.x-k8s.io/cluster-name': clusterName },
            ...(clusterObj ? { ownerReferences: [ownerRef(clusterObj)] } : {}),
          },
          type: 'cluster.x-k8s.io/secret',
          data: { value: b64(kubeconfig) },
        });
        upsert(api, kinds.secret, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: `${clusterName}-ca`,
            namespace: ns,
            labels: { 'cluster.x-k8s.io/cluster-name': clusterName },
            ...(clusterObj ? { ownerReferences: [ownerRef(clusterObj)] } : {}),
          },
          type: 'kubernetes.io/tls',
          // The vcluster's CA from `<name>-certs`.
          data: {
            'tls.crt': String(certs['ca.crt'] ?? ''),
            'tls.key': String(certs['ca.key'] ?? ''),
          },
        });
        initialized = true;
      }
    }
    // `ready` is the provider's GET /readyz through the control-plane endpoint.
    const ready = vclusters.serving(ns, name) !== undefined;
    setVcStatus(vt, vc, { ready, initialized }, [
      { type: 'HelmChartDeployed', status: 'True', reason: '', message: '' },
      initialized
        ? { type: 'KubeconfigReady', status: 'True', reason: '', message: '' }
        : {
            type: 'KubeconfigReady',
            status: 'False',
            reason: 'WaitingForKubeconfig',
            message: 'Waiting for the vcluster kubeconfig secret',
            severity: 'Info',
          },
      initialized
        ? {
            type: 'ControlPlaneInitialized',
            status: 'True',
            reason: '',
            message: '',
          }
        : {
            type: 'ControlPlaneInitialized',
            status: 'False',
            reason: 'WaitingForKubeconfig',
            message: 'Waiting for the control plane',
            severity: 'Info',
          },
      ready
        ? { type: 'Ready', status: 'True', reason: '', message: '' }
        : {
            type: 'Ready',
            status: 'False',
            reason: 'VirtualClusterNotReady',
            message: 'the virtual cluster /readyz did not return ok',
            severity: 'Warning',
          },
    ]);
  };

  const unsubscribe = store.subscribe(e => {
    const { namespace, name, labels } = e.object.metadata;
    if (e.typeKey === CLUSTER_KEY && e.type !== 'DELETED') {
      runtime.enqueue(`capi-cluster/${namespace}/${name}`, () =>
        reconcileCluster(namespace!, name),
      );
    }
    if (e.typeKey === VCLUSTER_KEY) {
      if (e.type !== 'DELETED') {
        runtime.enqueue(`capi-vc/${namespace}/${name}`, () =>
          reconcileVCluster(namespace!, name, false),
        );
      }
      // Clusters referencing this VCluster adopt it and mirror its readiness.
      for (const cluster of store.list(CLUSTER_KEY, namespace)) {
        if (refsOf(cluster).includes(name)) {
          const clusterName = cluster.metadata.name;
          runtime.enqueue(`capi-cluster/${namespace}/${clusterName}`, () =>
            reconcileCluster(namespace!, clusterName),
          );
        }
      }
    }
    // The syncer's readiness and kubeconfig drive the VCluster status.
    const release =
      (e.typeKey === 'apps/statefulsets' &&
        labels?.app === 'vcluster' &&
        labels.release) ||
      (e.typeKey === '/secrets' && labels?.['vcluster-name']);
    if (
      release &&
      vclusterType() &&
      store.get(VCLUSTER_KEY, namespace, release)
    ) {
      runtime.enqueue(
        `capi-vc/${namespace}/${release}`,
        () => reconcileVCluster(namespace!, release, false),
        5,
      );
    }
  });

  return {
    stop: unsubscribe,
    retryHung() {
      if (faults.installsHang) return;
      for (const key of [...hung]) {
        hung.delete(key);
        const [ns, name] = key.split('/');
        runtime.enqueue(`capi-install/${ns}/${name}`, () =>
          reconcileVCluster(ns, name, true),
        );
      }
    },
  };
}
