import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Nested Clusters: host clusters, profiles and limits. */
  nestedClusters?: {
    /** Host clusters that nested clusters are created on. */
    hosts?: Array<{
      /** Unique DNS label; appears in API paths and kubeconfig context names. */
      name: string;
      title?: string;
      /** API server URL; required for `serviceAccount` auth. */
      url?: string;
      /**
       * How vclusters get installed on this host: capi, helm-job, flux, or a
       * type a backend module adds through the installers extension point.
       */
      installer: string;
      /** Prefix of the namespace of each nested cluster. Default `nc-`. */
      namespacePrefix?: string;
      /** At most this many nested clusters on the host. Default 50. */
      maxClusters?: number;
      /** Credentials for the host's API server. */
      auth: {
        /** `serviceAccount` (token + CA), `kubeconfig` (path + context) or `inCluster`. */
        type: 'serviceAccount' | 'kubeconfig' | 'inCluster';
        /**
         * serviceAccount: bearer token.
         * @visibility secret
         */
        token?: string;
        /** serviceAccount: PEM (or base64 of a PEM) of the host's CA. */
        caData?: string;
        /** serviceAccount: path of a PEM file with the host's CA. */
        caFile?: string;
        /** serviceAccount: do not verify the host's certificate (development only). */
        skipTLSVerify?: boolean;
        /** kubeconfig: path of the kubeconfig file. */
        path?: string;
        /** kubeconfig: context to use; default is the file's current context. */
        context?: string;
      };
      /**
       * How users reach a nested cluster's API server, through the chart's own
       * objects: `nodePort` (nodeAddress), `loadBalancer` (port), `ingress`
       * (host pattern, port, className), `tlsRoute` (host pattern, port,
       * parentRefs), or `url` (pattern; only for platforms with their own proxy).
       */
      exposure: {
        type:
          | 'nodePort'
          | 'loadBalancer'
          | 'ingress'
          | 'tlsRoute'
          | 'url'
          | 'hostPattern';
        /** nodePort: a node address users can reach. */
        nodeAddress?: string;
        /** ingress, tlsRoute: host name with `{name}` and/or `{namespace}`, e.g. `{name}.vc.example.com`. */
        host?: string;
        /** loadBalancer, ingress, tlsRoute: the TLS port users connect to. Default 443. */
        port?: number;
        /** ingress: spec.ingressClassName. */
        className?: string;
        /** tlsRoute: the Gateway(s) with a TLS passthrough listener. */
        parentRefs?: Array<{
          name: string;
          namespace?: string;
          sectionName?: string;
        }>;
        /** url: URL with `{name}` and/or `{namespace}`, e.g. `https://proxy.example.com/vc/{name}`. */
        pattern?: string;
      };
      /** Installer-specific settings. */
      flux?: {
        /** The HelmRepository that serves the vcluster chart. Default `vcluster` in `flux-system`. */
        sourceRef?: { name: string; namespace?: string };
      };
      helmJob?: {
        /** Image repository of the vcluster CLI; the tag is the profile's chart version. */
        image?: string;
      };
      capi?: {
        /** Helm repository of the vcluster chart. Default https://charts.loft.sh. */
        chartRepo?: string;
      };
    }>;
    /** Platform-defined cluster profiles; users pick one, they never send chart values. */
    profiles?: Array<{
      name: string;
      title?: string;
      description?: string;
      /** e.g. v1.35.0 */
      kubernetesVersion: string;
      /** vcluster chart version, e.g. 0.36.1 */
      chartVersion: string;
      /** Default time to live, e.g. 72h. */
      ttl: string;
      /** Longest life from creation, extensions included, e.g. 14d. */
      maxTtl: string;
      /** vcluster.yaml fragment merged under the plugin-controlled values. */
      values?: { [key: string]: unknown };
      /**
       * What the kubeconfig a user downloads may do: it holds a token of the
       * user's own ServiceAccount inside the nested cluster.
       */
      access?: {
        /** ClusterRole bound to users' ServiceAccounts. Default `cluster-admin`. */
        clusterRole?: 'cluster-admin' | 'edit' | 'view';
        /** Lifetime of a downloaded token, from 10m to 24h. Default 8h; users may ask for less. */
        tokenExpiration?: string;
      };
      /**
       * What vcluster deploys inside each new cluster of this profile
       * (`experimental.deploy.vcluster`). Changing them affects new clusters only.
       */
      addons?: Array<{
        /** Unique within the profile; a DNS label. */
        name: string;
        /** Manifests add-on: inline YAML of Kubernetes objects. */
        manifests?: string;
        /** Manifests add-on: a YAML file, relative to the app config's directory. */
        file?: string;
        /** Chart add-on: the Helm chart. */
        chart?: { name: string; repo: string; version: string };
        /** Chart add-on: release name (default: the chart name) and namespace (default: `default`). */
        release?: { name?: string; namespace?: string };
        /** Chart add-on: the chart's values. */
        values?: { [key: string]: unknown };
        /** Chart add-on: helm's timeout, e.g. 180s (vcluster's default). */
        timeout?: string;
      }>;
      /**
       * Sleep schedule of the profile's clusters, in the shape of vCluster's
       * `sleep.auto`: a scheduled task pauses them at `schedule` and resumes
       * them at `wakeup` (cron, 5 fields) with the vcluster CLI's pause. An
       * owner may pick another schedule at create, if it keeps the cluster
       * awake no more hours per week than this one.
       */
      sleep?: {
        /** When to pause, e.g. `0 20 * * 1-5`. */
        schedule: string;
        /** When to resume, e.g. `0 8 * * 1-5`. */
        wakeup: string;
        /** IANA time zone of both, e.g. Europe/Berlin. Default UTC. */
        timezone?: string;
      };
    }>;
    limits?: {
      /**
       * Clusters one owner may have across all hosts. Default 5.
       * @deprecated use perOwner.clusters (setting both is a config error)
       */
      clustersPerOwner?: number;
      /**
       * What one owner (group or user) may have across all hosts, checked at
       * create time: cluster count, and the CPU and memory their clusters'
       * profiles request (control plane plus `policies.resourceQuota`). A
       * create over a limit answers 429 naming it.
       */
      perOwner?: {
        /** Clusters. Default 5. */
        clusters?: number;
        /** CPU as a Kubernetes quantity, e.g. 8 or 500m. Default: no limit. */
        cpu?: string | number;
        /** Memory as a Kubernetes quantity, e.g. 32Gi. Default: no limit. */
        memory?: string;
      };
    };
    /**
     * Prices for the estimated saving of paused clusters (hours paused ×
     * requested CPU and memory × price). Off when not set.
     */
    cost?: {
      /** Price of one CPU for one hour. */
      cpuHour: number;
      /** Price of one GiB of memory for one hour. */
      gibHour: number;
      /** Shown with the amounts. Default USD. */
      currency?: string;
    };
    expiry?: {
      /** How often expired clusters are deleted, e.g. 1m. Default 1m. */
      frequency?: string;
    };
    sleep?: {
      /** How often profiles' sleep schedules are applied (a global task), e.g. 1m. Default 1m. */
      frequency?: string;
    };
    /**
     * A cluster still Provisioning this long after its creation is Failed (a
     * hung install), e.g. 30m. Default 30m.
     */
    installTimeout?: string;
  };

  /** Search module (`nestedClustersSearchModule`). */
  search?: {
    collators?: {
      nestedClusters?: {
        /** How often nested clusters are re-indexed. Default: every 30 s. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
