// Generated from plugins/nested-clusters-backend/src/schema/openapi.yaml by
// `yarn generate` in plugins/nested-clusters-common. Do not edit.
/* eslint-disable */
export interface paths {
  '/hosts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Registered host clusters with health and capacity. */
    get: operations['listHosts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/profiles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Platform-defined cluster profiles. */
    get: operations['listProfiles'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Nested clusters the caller may read (nested-clusters.cluster.read), from every reachable host; unreachable hosts are listed in hostErrors. */
    get: operations['listClusters'];
    put?: never;
    /** Creates a nested cluster (nested-clusters.cluster.create). With dryRun=true, validates everything (permission, names, quotas) and creates nothing. */
    post: operations['createCluster'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    /** One nested cluster (nested-clusters.cluster.read). */
    get: operations['getCluster'];
    put?: never;
    post?: never;
    /** Deletes the installer objects, PVC data-NAME-0 and the namespace (nested-clusters.cluster.delete). The cluster is Deleting until gone. */
    delete: operations['deleteCluster'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/pause': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pauses a Running cluster with the vcluster CLI's patch (nested-clusters.cluster.update). */
    post: operations['pauseCluster'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resumes a Paused cluster (nested-clusters.cluster.update). */
    post: operations['resumeCluster'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/extend': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Moves the expiry ttl further out, never beyond the profile's maxTtl counted from creation (nested-clusters.cluster.update). */
    post: operations['extendCluster'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/kubeconfig': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    /** A kubeconfig of the caller's own ServiceAccount inside the cluster, with a short-lived token, server rewritten to the host's exposure, context named HOST-NAME (nested-clusters.cluster.kubeconfig). Asked for as JSON, it comes with its ServiceAccount, role and expiry. */
    get: operations['getKubeconfig'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/kubeconfig/admin': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    /** The vcluster's admin kubeconfig (nested-clusters.cluster.kubeconfig.admin). */
    get: operations['getAdminKubeconfig'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/access/me': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Deletes the caller's ServiceAccount in the cluster, which invalidates its tokens (nested-clusters.cluster.read). */
    delete: operations['revokeMyAccess'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{host}/{name}/access': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Deletes every user's ServiceAccount in the cluster (nested-clusters.cluster.update). */
    delete: operations['revokeAllAccess'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per owner: clusters, requested and used CPU and memory, hours running and paused in the last 7 days, the limits, and (with nestedClusters.cost) the estimated saving; over the clusters the caller may read. */
    get: operations['getUsage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        name: string;
        message: string;
      };
      request?: {
        method?: string;
        url?: string;
      };
      response: {
        statusCode: number;
      };
    };
    /**
     * @description Lifecycle status, derived from signals on its host
     * @enum {string}
     */
    NestedClusterStatus:
      | 'Provisioning'
      | 'Running'
      | 'Pausing'
      | 'Paused'
      | 'Resuming'
      | 'Failed'
      | 'Deleting'
      | 'Unknown';
    /**
     * @description How the vcluster is installed on its host: capi, helm-job, flux, or a type a backend module added through the installers extension point
     * @example helm-job
     */
    InstallerType: string;
    /** @description Provisioning progress through the installation steps */
    ProvisioningProgress: {
      completedSteps: number;
      totalSteps: number;
      step: string;
    };
    /** @description A nested (virtual) cluster */
    NestedCluster: {
      /** @description Name of the nested cluster, unique per host */
      name: string;
      /** @description Host cluster it runs on */
      host: string;
      /** @description Its namespace on the host */
      namespace: string;
      status: components['schemas']['NestedClusterStatus'];
      /** @description Why it is in this status */
      statusMessage?: string;
      progress?: components['schemas']['ProvisioningProgress'];
      /** @description Entity ref of the owning group or user */
      owner: string;
      /** @description Entity ref of the component it belongs to */
      component?: string;
      /** @description Entity ref of the user who created it */
      createdBy: string;
      /** @description Profile it was created from */
      profile: string;
      installer: components['schemas']['InstallerType'];
      /** @description Kubernetes version the control plane runs: the tag of the chart's init container `kubernetes` */
      kubernetesVersion?: string;
      /** @description vcluster version: the tag of the `syncer` container (the chart version) */
      vclusterVersion?: string;
      /**
       * Format: date-time
       * @description Creation time, RFC 3339
       */
      createdAt: string;
      /**
       * Format: date-time
       * @description When it is deleted automatically, RFC 3339
       */
      expiresAt: string;
      /** @description What vcluster deploys inside the cluster, as its profile said at creation, and how far it got. */
      addons?: components['schemas']['AddonStatus'][];
      sleep?: components['schemas']['ClusterSleep'];
      usage?: components['schemas']['ClusterUsage'];
      /** @description What its profile requests on the host (control plane plus the ResourceQuota's requests), as recorded at creation; owners' CPU and memory limits count this */
      requests?: components['schemas']['Resources'];
      /**
       * Format: date-time
       * @description Since when it is paused (the vcluster CLI's loft.sh/paused-date)
       */
      pausedAt?: string;
      /** @description Its finished pauses of the last 7 days that the portal resumed */
      pauses?: components['schemas']['PauseInterval'][];
      hours?: components['schemas']['ClusterHours'];
    };
    /** @description CPU and memory, as pods request them */
    Resources: {
      cpuMillicores: number;
      memoryBytes: number;
    };
    /** @description What the cluster requests on its host now, from the watch cache: its control plane's pods plus the pods synced from inside it (label vcluster.loft.sh/managed-by). */
    ClusterUsage: components['schemas']['Resources'] & {
      /** @description Pods synced from inside the cluster */
      pods: number;
    };
    PauseInterval: {
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
    };
    /** @description Hours running and paused in the last 7 days (or since creation) */
    ClusterHours: {
      running: number;
      paused: number;
    };
    /** @description limits.perOwner; CPU and memory only when configured */
    OwnerLimits: {
      clusters: number;
      cpuMillicores?: number;
      memoryBytes?: number;
    };
    /** @description One owner's clusters that the caller may read, added up */
    OwnerUsage: {
      /** @description Entity ref of the owner */
      owner: string;
      clusters: number;
      /** @description What its clusters' profiles request (what the limits count) */
      requests: components['schemas']['Resources'];
      /** @description What its clusters' pods request on the hosts now */
      usage: components['schemas']['Resources'];
      hours: components['schemas']['ClusterHours'];
      limits: components['schemas']['OwnerLimits'];
      /** @description Estimated saving of the last 7 days in cost.currency: hours paused × requests × cost's prices; only when nestedClusters.cost is configured */
      saving?: number;
    };
    /** @description nestedClusters.cost, the prices a saving is estimated with */
    CostSettings: {
      cpuHour: number;
      gibHour: number;
      currency: string;
    };
    UsageResponse: {
      owners: components['schemas']['OwnerUsage'][];
      cost?: components['schemas']['CostSettings'];
      hostErrors: components['schemas']['HostError'][];
    };
    /** @description When a cluster is paused and resumed, in the shape of vCluster's sleep.auto: two cron expressions (5 fields) in an IANA time zone. */
    SleepSchedule: {
      /**
       * @description When to pause (cron)
       * @example 0 20 * * 1-5
       */
      schedule: string;
      /**
       * @description When to resume (cron); only clusters the schedule paused
       * @example 0 8 * * 1-5
       */
      wakeup: string;
      /**
       * @description IANA time zone of both; default UTC
       * @example Europe/Berlin
       */
      timezone?: string;
    };
    /** @description The cluster's sleep schedule and its next event. */
    ClusterSleep: {
      schedule: string;
      wakeup: string;
      timezone: string;
      /** @description The schedule's next event */
      next?: {
        /** @enum {string} */
        action: 'sleep' | 'wake';
        /** Format: date-time */
        at: string;
      };
    };
    /**
     * @description A phase of vcluster's deploy controller (pkg/controllers/deploy).
     * @enum {string}
     */
    AddonPhase: 'Pending' | 'Success' | 'Failed';
    /** @description Something a profile deploys inside its clusters: raw manifests or a Helm chart. */
    AddonSummary: {
      name: string;
      /** @enum {string} */
      type: 'manifests' | 'chart';
      /** @description Chart add-ons: the chart. */
      chart?: {
        name: string;
        version: string;
      };
      /** @description Chart add-ons: where it is released. */
      release?: {
        name: string;
        namespace: string;
      };
    };
    /** @description An add-on of a cluster and its phase, from the cluster's ConfigMap kube-system/vcluster-deploy; Pending until the control plane reports. */
    AddonStatus: components['schemas']['AddonSummary'] & {
      phase: components['schemas']['AddonPhase'];
      /** @description Why it failed, e.g. InstallFailed. */
      reason?: string;
      /** @description The failure as vcluster reports it (helm's error). */
      message?: string;
    };
    HostSummary: {
      name: string;
      title: string;
      installer: components['schemas']['InstallerType'];
      healthy: boolean;
      message?: string;
      /** Format: date-time */
      lastSyncAt?: string;
      clusterCount: number;
      maxClusters: number;
      /** @description vclusters on the host that the plugin did not create (e.g. with `vcluster create`), read-only. */
      unmanaged?: components['schemas']['UnmanagedVcluster'][];
    };
    /** @description A vcluster control plane (the chart's StatefulSet or Deployment, labelled app=vcluster, as `vcluster list` finds them) in a namespace without the plugin's labels. No route acts on it. */
    UnmanagedVcluster: {
      namespace: string;
      /** @description The Helm release (label release) */
      name: string;
      /** @enum {string} */
      kind: 'StatefulSet' | 'Deployment';
      status: components['schemas']['UnmanagedVclusterStatus'];
      /** @description The tag of the init container `kubernetes` */
      kubernetesVersion?: string;
      /** @description The tag of the `syncer` container (the chart version) */
      vclusterVersion?: string;
    };
    /**
     * @description As `vcluster list` derives it: Paused (loft.sh/paused), ScaledDown (0 replicas), Failed (a control-plane pod that will not start), Running (every replica ready), else Pending; Deleting while terminating; Unknown while the host is unreachable.
     * @enum {string}
     */
    UnmanagedVclusterStatus:
      | 'Running'
      | 'Pending'
      | 'Paused'
      | 'ScaledDown'
      | 'Failed'
      | 'Deleting'
      | 'Unknown';
    ProfileSummary: {
      name: string;
      title: string;
      description?: string;
      kubernetesVersion: string;
      chartVersion: string;
      ttl: string;
      maxTtl: string;
      /** @description What the profile deploys inside each new cluster. */
      addons?: components['schemas']['AddonSummary'][];
      sleep?: components['schemas']['SleepSchedule'];
    };
    HostError: {
      host: string;
      message: string;
    };
    ListClustersResponse: {
      items: components['schemas']['NestedCluster'][];
      /** @description With limit, how many clusters the caller may read match the filters, over all pages */
      totalItems?: number;
      /** @description With limit, the cursor of the next page; absent on the last page */
      nextCursor?: string;
      hostErrors: components['schemas']['HostError'][];
    };
    UserKubeconfig: {
      /** @description The kubeconfig (YAML); it holds the token. */
      kubeconfig: string;
      /** @description NAMESPACE/NAME of the caller's ServiceAccount inside the cluster. */
      serviceAccount: string;
      clusterRole: string;
      /** Format: date-time */
      expiresAt: string;
    };
    RevokeAccessResponse: {
      /** @description NAMESPACE/NAME of each ServiceAccount deleted. */
      revoked: string[];
    };
    CreateClusterRequest: {
      /** @description DNS-1123 label, at most 40 characters, unique on the host */
      name: string;
      /** @description Name of a profile, e.g. sandbox */
      profile: string;
      /** @description Host to create it on; default: the reachable host with the most free capacity */
      host?: string;
      /** @description The component it is for, e.g. component:default/web-shop */
      entityRef?: string;
      /** @description Owning group or user; default: the component's owner if you are in it, else you */
      owner?: string;
      /**
       * @description Lifetime such as 8h or 3d; default: the profile's ttl, at most its maxTtl
       * @example 72h
       */
      ttl?: string;
      /** @description Sleep schedule; default: the profile's. With a profile schedule, it may keep the cluster awake no more hours a week than the profile's */
      sleep?: components['schemas']['SleepSchedule'];
    };
    ExtendClusterRequest: {
      /**
       * @description How much longer, such as 8h, 3d or 1w
       * @example 24h
       */
      ttl: string;
    };
  };
  responses: {
    /** @description Backstage error: 400 names the field, 403 the permission, 409 a taken name or impossible transition, 429 an exhausted quota, 503 the host that cannot be reached. */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: {
    /** @description Host cluster of the nested cluster */
    host: string;
    /** @description Name of the nested cluster */
    name: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listHosts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The hosts. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['HostSummary'][];
          };
        };
      };
      401: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  listProfiles: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The profiles. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['ProfileSummary'][];
          };
        };
      };
      401: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  listClusters: {
    parameters: {
      query?: {
        /** @description Only clusters of this component, e.g. component:default/web-shop */
        entityRef?: string;
        /** @description Only clusters of this owner, e.g. group:default/team-a */
        owner?: string;
        /** @description Only clusters on this host */
        host?: string;
        /** @description Only clusters in this status */
        status?: components['schemas']['NestedClusterStatus'];
        /** @description Only clusters whose name contains this text (case-insensitive) */
        search?: string;
        /** @description With true, only clusters owned by the caller or one of their groups, or created by the caller */
        mine?: 'true' | 'false';
        /** @description At most this many clusters (a number from 1 to 500), in host and name order; without it, all of them */
        limit?: string;
        /** @description The previous page's nextCursor: the page after it, with the same filters */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The clusters. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ListClustersResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  createCluster: {
    parameters: {
      query?: {
        dryRun?: 'true' | 'false';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateClusterRequest'];
      };
    };
    responses: {
      /** @description Dry run passed; nothing was created. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      /** @description Creation started; the cluster is Provisioning. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      409: components['responses']['Error'];
      429: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  getCluster: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The cluster. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      400: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  deleteCluster: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deletion started. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  pauseCluster: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Pausing. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  resumeCluster: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Resuming. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  extendCluster: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ExtendClusterRequest'];
      };
    };
    responses: {
      /** @description The cluster with its new expiresAt. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NestedCluster'];
        };
      };
      400: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  getKubeconfig: {
    parameters: {
      query?: {
        /** @description Token lifetime such as 2h; default the profile's. */
        expiration?: string;
      };
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A kubeconfig file, as an attachment HOST-NAME.kubeconfig.yaml, or as JSON. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/yaml': string;
          'application/json': components['schemas']['UserKubeconfig'];
        };
      };
      400: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  getAdminKubeconfig: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A kubeconfig file, as an attachment HOST-NAME.admin.kubeconfig.yaml. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/yaml': string;
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  revokeMyAccess: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The revoked ServiceAccounts. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RevokeAccessResponse'];
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  revokeAllAccess: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Host cluster of the nested cluster */
        host: components['parameters']['host'];
        /** @description Name of the nested cluster */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The revoked ServiceAccounts. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RevokeAccessResponse'];
        };
      };
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
  getUsage: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Usage per owner. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UsageResponse'];
        };
      };
      401: components['responses']['Error'];
      default: components['responses']['Error'];
    };
  };
}
