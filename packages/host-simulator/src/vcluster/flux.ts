import { ControllerContext } from '../controllers/context';
import { recordEvent } from '../controllers/events';
import { field, writeStatus } from '../controllers/kinds';
import { FaultController } from '../faults';
import { isJsonObject, JsonObject } from '../json';
import { nowIso, StoredObject } from '../model';
import { ResourceType } from '../registry';
import { configDigest, DEFAULT_CHART_VERSION, desiredReplicas } from './chart';
import { installChart, latestRelease, uninstallChart } from './helm';
import { conditionOf, setConditions } from './conditions';

const FINALIZER = 'finalizers.fluxcd.io';
const HELM_REPOSITORIES = 'source.toolkit.fluxcd.io/helmrepositories';
const NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
const NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';

interface Desired {
  releaseName: string;
  targetNamespace: string;
  chartVersion: string;
  values: JsonObject;
  digest: string;
}

function desiredOf(hr: StoredObject): Desired {
  const spec = field(hr, 'spec');
  const target =
    typeof spec.targetNamespace === 'string' && spec.targetNamespace
      ? spec.targetNamespace
      : hr.metadata.namespace!;
  // Flux's default release name is <targetNamespace>-<name> when targetNamespace is set.
  const defaultName = spec.targetNamespace
    ? `${target}-${hr.metadata.name}`
    : hr.metadata.name;
  const releaseName =
    typeof spec.releaseName === 'string' && spec.releaseName
      ? spec.releaseName
      : defaultName;
  const version = field(field(spec, 'chart'), 'spec').version;
  // A semver range (0.36.x) resolves to the newest matching chart; the simulator's newest is the default.
  const chartVersion =
    typeof version === 'string' && /^v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)
      ? version.replace(/^v/, '')
      : DEFAULT_CHART_VERSION;
  const values = isJsonObject(spec.values) ? spec.values : {};
  return {
    releaseName,
    targetNamespace: target,
    chartVersion,
    values,
    digest: configDigest(chartVersion, values),
  };
}

function ignoresReplicas(hr: StoredObject) {
  const drift = field(field(hr, 'spec'), 'driftDetection');
  const ignore = Array.isArray(drift.ignore)
    ? drift.ignore.filter(isJsonObject)
    : [];
  return ignore.some(rule => {
    const paths = Array.isArray(rule.paths) ? rule.paths : [];
    const kind = field(rule, 'target').kind;
    return (
      paths.includes('/spec/replicas') &&
      (kind === undefined || kind === 'StatefulSet')
    );
  });
}

/**
 * Flux helm-controller for HelmRelease (helm.toolkit.fluxcd.io/v2): install/upgrade with
 * wait, Ready/Released conditions, history, finalizer, suspend, and drift correction
 * of StatefulSet replicas when `driftDetection.mode: enabled`.
 */
export function fluxInstaller(ctx: ControllerContext, faults: FaultController) {
  const { api, store, runtime, kinds } = ctx;
  const hrType = (): ResourceType | undefined =>
    api.registry.byKey('helm.toolkit.fluxcd.io/helmreleases');
  const hung = new Set<string>();

  const setStatus = (
    hr: StoredObject,
    patch: JsonObject,
    conditions: Parameters<typeof setConditions>[1],
  ) => {
    const status = field(hr, 'status');
    writeStatus(api, hrType()!, hr, {
      ...status,
      ...patch,
      conditions: setConditions(status, conditions, hr.metadata.generation),
    });
  };

  const install = (ns: string, name: string) => {
    const type = hrType();
    const hr = type && api.tryGet(type, ns, name);
    if (
      !hr ||
      hr.metadata.deletionTimestamp ||
      field(hr, 'spec').suspend === true
    ) {
      return;
    }
    if (faults.installsHang) {
      hung.add(`${ns}/${name}`);
      return;
    }
    const d = desiredOf(hr);
    const action = String(
      field(hr, 'status').lastAttemptedReleaseAction ?? 'install',
    );
    const verb = action === 'upgrade' ? 'Upgrade' : 'Install';
    const failed = faults.installFails(hr.metadata.name);
    const record = installChart(
      ctx,
      {
        name: d.releaseName,
        namespace: d.targetNamespace,
        chartVersion: d.chartVersion,
        values: d.values,
        extraLabels: { [NAME_LABEL]: name, [NAMESPACE_LABEL]: ns },
      },
      { status: failed ? 'failed' : 'deployed' },
    );
    const status = field(hr, 'status');
    const snapshot = {
      name: d.releaseName,
      namespace: d.targetNamespace,
      version: record.version,
      status: record.info.status,
      chartName: 'vcluster',
      chartVersion: d.chartVersion,
      appVersion: d.chartVersion,
      configDigest: d.digest,
      digest: d.digest,
      firstDeployed: record.info.first_deployed,
      lastDeployed: record.info.last_deployed,
    };
    if (failed) {
      const message = `Helm ${action} failed for release ${d.targetNamespace}/${d.releaseName} with chart vcluster@${d.chartVersion}: context deadline exceeded`;
      setStatus(
        hr,
        {
          history: [snapshot],
          failures: Number(status.failures ?? 0) + 1,
          [`${action}Failures`]: Number(status[`${action}Failures`] ?? 0) + 1,
          observedGeneration: hr.metadata.generation ?? 1,
        },
        [
          { type: 'Ready', status: 'False', reason: `${verb}Failed`, message },
          {
            type: 'Released',
            status: 'False',
            reason: `${verb}Failed`,
            message,
          },
          {
            type: 'Reconciling',
            status: 'False',
            reason: `${verb}Failed`,
            message,
          },
        ],
      );
      recordEvent(
        ctx,
        hr,
        'Warning',
        `${verb}Failed`,
        message,
        'helm-controller',
      );
      return;
    }
    // helm-controller waits for the release's workloads to be ready.
    const sts = api.tryGet(kinds.statefulSet, d.targetNamespace, d.releaseName);
    const ready = field(sts, 'status').readyReplicas;
    if (typeof ready !== 'number' || ready < desiredReplicas(d.values)) {
      return;
    }
    const message = `Helm ${action} succeeded for release ${d.targetNamespace}/${d.releaseName}.v${record.version} with chart vcluster@${d.chartVersion}`;
    setStatus(
      hr,
      {
        history: [snapshot],
        observedGeneration: hr.metadata.generation ?? 1,
        lastHandledReconcileAt: nowIso(),
        storageNamespace: d.targetNamespace,
      },
      [
        { type: 'Ready', status: 'True', reason: `${verb}Succeeded`, message },
        {
          type: 'Released',
          status: 'True',
          reason: `${verb}Succeeded`,
          message,
        },
      ],
    );
    recordEvent(
      ctx,
      hr,
      'Normal',
      `${verb}Succeeded`,
      message,
      'helm-controller',
    );
  };

  const reconcile = (ns: string, name: string) => {
    const type = hrType();
    const hr = type && api.tryGet(type, ns, name);
    if (!type || !hr) {
      return;
    }
    const spec = field(hr, 'spec');
    if (hr.metadata.deletionTimestamp) {
      if (!(hr.metadata.finalizers ?? []).includes(FINALIZER)) {
        return;
      }
      runtime.enqueue(
        `flux-uninstall/${ns}/${name}`,
        () => {
          const current = api.tryGet(type, ns, name);
          if (!current) return;
          // A suspended release is left installed on deletion, as helm-controller does.
          if (field(current, 'spec').suspend !== true) {
            const d = desiredOf(current);
            uninstallChart(ctx, d.releaseName, d.targetNamespace);
          }
          api.update(type, ns, name, {
            ...current,
            metadata: {
              ...current.metadata,
              finalizers: (current.metadata.finalizers ?? []).filter(
                f => f !== FINALIZER,
              ),
            },
          });
        },
        faults.scaleDelay(ctx.delays().uninstallMs),
      );
      return;
    }
    if (!(hr.metadata.finalizers ?? []).includes(FINALIZER)) {
      api.update(type, ns, name, {
        ...hr,
        metadata: {
          ...hr.metadata,
          finalizers: [...(hr.metadata.finalizers ?? []), FINALIZER],
        },
      });
      return;
    }
    if (spec.suspend === true) {
      return;
    }
    const d = desiredOf(hr);
    const status = field(hr, 'status');
    // source-controller: the chart comes from the referenced HelmRepository.
    const chartSpec = field(field(spec, 'chart'), 'spec');
    const sourceRef = field(chartSpec, 'sourceRef');
    const sourceNs =
      typeof sourceRef.namespace === 'string' ? sourceRef.namespace : ns;
    const repoType = api.registry.byKey(HELM_REPOSITORIES);
    const repo =
      repoType && typeof sourceRef.name === 'string'
        ? api.tryGet(repoType, sourceNs, sourceRef.name)
        : undefined;
    let artifactError: string | undefined;
    if (sourceRef.kind !== 'HelmRepository' || !repo) {
      artifactError = `HelmRepository '${sourceNs}/${String(
        sourceRef.name ?? '',
      )}' not found`;
    } else if (chartSpec.chart !== 'vcluster') {
      artifactError = `no '${String(
        chartSpec.chart,
      )}' chart with version matching '${String(
        chartSpec.version ?? '*',
      )}' found`;
    }
    if (artifactError) {
      const message = `HelmChart '${sourceNs}/${ns}-${name}' is not ready: ${artifactError}`;
      setStatus(hr, { helmChart: `${sourceNs}/${ns}-${name}` }, [
        { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message },
      ]);
      return;
    }
    const recovered = conditionOf(status, 'Ready')?.reason === 'ArtifactFailed';
    if (recovered || status.lastAttemptedConfigDigest !== d.digest) {
      const action = latestRelease(ctx, d.releaseName, d.targetNamespace)
        ? 'upgrade'
        : 'install';
      const message = `Running '${action}' action with timeout of 5m0s`;
      setStatus(
        hr,
        {
          lastAttemptedConfigDigest: d.digest,
          lastAttemptedRevision: d.chartVersion,
          lastAttemptedGeneration: hr.metadata.generation ?? 1,
          lastAttemptedReleaseAction: action,
          helmChart: `${sourceNs}/${ns}-${name}`,
        },
        [
          { type: 'Ready', status: 'Unknown', reason: 'Progressing', message },
          {
            type: 'Reconciling',
            status: 'True',
            reason: 'Progressing',
            message,
          },
        ],
      );
      runtime.enqueue(
        `flux-install/${ns}/${name}`,
        () => install(ns, name),
        faults.scaleDelay(ctx.delays().helmInstallMs),
      );
      return;
    }
    if (conditionOf(status, 'Ready')?.status === 'Unknown') {
      // Installed already and waiting for readiness: re-check at once; otherwise the install takes its time.
      const installed = latestRelease(ctx, d.releaseName, d.targetNamespace);
      const done =
        installed &&
        configDigest(installed.chart.metadata.version, installed.config) ===
          d.digest;
      runtime.enqueue(
        `flux-install/${ns}/${name}`,
        () => install(ns, name),
        done ? 0 : faults.scaleDelay(ctx.delays().helmInstallMs),
      );
    }
  };

  const correctDrift = (
    ns: string,
    name: string,
    hrNs: string,
    hrName: string,
  ) => {
    const type = hrType();
    const hr = type && api.tryGet(type, hrNs, hrName);
    const sts = api.tryGet(kinds.statefulSet, ns, name);
    if (
      !hr ||
      !sts ||
      hr.metadata.deletionTimestamp ||
      field(hr, 'spec').suspend === true ||
      ignoresReplicas(hr)
    ) {
      return;
    }
    if (
      field(field(hr, 'spec'), 'driftDetection').mode !== 'enabled' ||
      conditionOf(field(hr, 'status'), 'Ready')?.status !== 'True'
    ) {
      return;
    }
    const desired = desiredReplicas(desiredOf(hr).values);
    if (field(sts, 'spec').replicas !== desired) {
      api.patch(kinds.statefulSet, ns, name, 'merge', {
        spec: { replicas: desired },
      });
    }
  };

  const unsubscribe = store.subscribe(e => {
    const { namespace, name, labels } = e.object.metadata;
    if (
      e.typeKey === 'helm.toolkit.fluxcd.io/helmreleases' &&
      e.type !== 'DELETED'
    ) {
      runtime.enqueue(`flux/${namespace}/${name}`, () =>
        reconcile(namespace!, name),
      );
    }
    if (e.typeKey === HELM_REPOSITORIES && e.type === 'ADDED') {
      // Releases waiting for this source try again.
      for (const hr of store.list('helm.toolkit.fluxcd.io/helmreleases')) {
        const { namespace: hrNs, name: hrName } = hr.metadata;
        runtime.enqueue(`flux/${hrNs}/${hrName}`, () =>
          reconcile(hrNs!, hrName),
        );
      }
      runtime.enqueue(`helmrepo/${namespace}/${name}`, () => {
        const type = api.registry.byKey(
          'source.toolkit.fluxcd.io/helmrepositories',
        );
        const repo = type && api.tryGet(type, namespace, name);
        if (type && repo) {
          writeStatus(api, type, repo, {
            observedGeneration: repo.metadata.generation ?? 1,
            conditions: setConditions({}, [
              {
                type: 'Ready',
                status: 'True',
                reason: 'Succeeded',
                message: `stored artifact: revision 'sha256:${'0'.repeat(64)}'`,
              },
            ]),
          });
        }
      });
    }
    if (
      e.typeKey === 'apps/statefulsets' &&
      e.type !== 'DELETED' &&
      labels?.[NAME_LABEL] &&
      labels[NAMESPACE_LABEL]
    ) {
      const hrNs = labels[NAMESPACE_LABEL];
      const hrName = labels[NAME_LABEL];
      runtime.enqueue(`flux/${hrNs}/${hrName}`, () => reconcile(hrNs, hrName));
      runtime.enqueue(
        `flux-drift/${namespace}/${name}`,
        () => correctDrift(namespace!, name, hrNs, hrName),
        ctx.delays().driftCorrectionMs,
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
        runtime.enqueue(`flux-install/${ns}/${name}`, () => install(ns, name));
      }
    },
  };
}
