// Generated from plugins/nested-clusters-backend/src/schema/openapi.yaml by
// `yarn generate` in plugins/nested-clusters-common. Do not edit.
/* eslint-disable */
export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'nested-clusters',
    version: '0.1.0',
    description:
      "Nested (vcluster) clusters on registered host clusters. Every route needs a Backstage user token (or a service token issued on behalf of a user) and is authorized with that user's permissions. Errors use Backstage's error shape.\n",
    license: { name: 'Apache-2.0' },
  },
  servers: [{ url: '/' }],
  security: [{ BackstageToken: [] }],
  paths: {
    '/hosts': {
      get: {
        operationId: 'listHosts',
        summary: 'Registered host clusters with health and capacity.',
        responses: {
          '200': {
            description: 'The hosts.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: { $ref: '#/components/schemas/HostSummary' },
                    },
                  },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/profiles': {
      get: {
        operationId: 'listProfiles',
        summary: 'Platform-defined cluster profiles.',
        responses: {
          '200': {
            description: 'The profiles.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: { $ref: '#/components/schemas/ProfileSummary' },
                    },
                  },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters': {
      get: {
        operationId: 'listClusters',
        summary:
          'Nested clusters the caller may read (nested-clusters.cluster.read), from every reachable host; unreachable hosts are listed in hostErrors.\n',
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            schema: { type: 'string', minLength: 1, maxLength: 253 },
            description:
              'Only clusters of this component, e.g. component:default/web-shop',
          },
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            schema: { type: 'string', minLength: 1, maxLength: 253 },
            description:
              'Only clusters of this owner, e.g. group:default/team-a',
          },
          {
            name: 'host',
            in: 'query',
            schema: { type: 'string', minLength: 1, maxLength: 253 },
            description: 'Only clusters on this host',
          },
          {
            name: 'status',
            in: 'query',
            schema: { $ref: '#/components/schemas/NestedClusterStatus' },
            description: 'Only clusters in this status',
          },
          {
            name: 'search',
            in: 'query',
            schema: { type: 'string', minLength: 1, maxLength: 63 },
            description:
              'Only clusters whose name contains this text (case-insensitive)',
          },
          {
            name: 'mine',
            in: 'query',
            schema: { type: 'string', enum: ['true', 'false'] },
            description:
              'With true, only clusters owned by the caller or one of their groups, or created by the caller',
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'string', maxLength: 10 },
            description:
              'At most this many clusters (a number from 1 to 500), in host and name order; without it, all of them',
          },
          {
            name: 'cursor',
            in: 'query',
            schema: { type: 'string', maxLength: 1024 },
            description:
              "The previous page's nextCursor: the page after it, with the same filters",
          },
        ],
        responses: {
          '200': {
            description: 'The clusters.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ListClustersResponse' },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        operationId: 'createCluster',
        summary:
          'Creates a nested cluster (nested-clusters.cluster.create). With dryRun=true, validates everything (permission, names, quotas) and creates nothing.\n',
        parameters: [
          {
            name: 'dryRun',
            in: 'query',
            schema: { type: 'string', enum: ['true', 'false'] },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/CreateClusterRequest' },
            },
          },
        },
        responses: {
          '200': {
            description: 'Dry run passed; nothing was created.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '202': {
            description: 'Creation started; the cluster is Provisioning.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '429': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      get: {
        operationId: 'getCluster',
        summary: 'One nested cluster (nested-clusters.cluster.read).',
        responses: {
          '200': {
            description: 'The cluster.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      delete: {
        operationId: 'deleteCluster',
        summary:
          'Deletes the installer objects, PVC data-NAME-0 and the namespace (nested-clusters.cluster.delete). The cluster is Deleting until gone.\n',
        responses: {
          '202': {
            description: 'Deletion started.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/pause': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      post: {
        operationId: 'pauseCluster',
        summary:
          "Pauses a Running cluster with the vcluster CLI's patch (nested-clusters.cluster.update).\n",
        responses: {
          '202': {
            description: 'Pausing.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/resume': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      post: {
        operationId: 'resumeCluster',
        summary: 'Resumes a Paused cluster (nested-clusters.cluster.update).',
        responses: {
          '202': {
            description: 'Resuming.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/extend': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      post: {
        operationId: 'extendCluster',
        summary:
          "Moves the expiry ttl further out, never beyond the profile's maxTtl counted from creation (nested-clusters.cluster.update).\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ExtendClusterRequest' },
            },
          },
        },
        responses: {
          '200': {
            description: 'The cluster with its new expiresAt.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NestedCluster' },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/kubeconfig': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      get: {
        operationId: 'getKubeconfig',
        summary:
          "A kubeconfig of the caller's own ServiceAccount inside the cluster, with a short-lived token, server rewritten to the host's exposure, context named HOST-NAME (nested-clusters.cluster.kubeconfig). Asked for as JSON, it comes with its ServiceAccount, role and expiry.\n",
        parameters: [
          {
            name: 'expiration',
            in: 'query',
            description: "Token lifetime such as 2h; default the profile's.",
            schema: { type: 'string', minLength: 1, maxLength: 20 },
          },
        ],
        responses: {
          '200': {
            description:
              'A kubeconfig file, as an attachment HOST-NAME.kubeconfig.yaml, or as JSON.',
            content: {
              'text/yaml': { schema: { type: 'string' } },
              'application/json': {
                schema: { $ref: '#/components/schemas/UserKubeconfig' },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/kubeconfig/admin': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      get: {
        operationId: 'getAdminKubeconfig',
        summary:
          "The vcluster's admin kubeconfig (nested-clusters.cluster.kubeconfig.admin).\n",
        responses: {
          '200': {
            description:
              'A kubeconfig file, as an attachment HOST-NAME.admin.kubeconfig.yaml.',
            content: { 'text/yaml': { schema: { type: 'string' } } },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '409': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/access/me': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      delete: {
        operationId: 'revokeMyAccess',
        summary:
          "Deletes the caller's ServiceAccount in the cluster, which invalidates its tokens (nested-clusters.cluster.read).\n",
        responses: {
          '200': {
            description: 'The revoked ServiceAccounts.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/RevokeAccessResponse' },
              },
            },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/clusters/{host}/{name}/access': {
      parameters: [
        { $ref: '#/components/parameters/host' },
        { $ref: '#/components/parameters/name' },
      ],
      delete: {
        operationId: 'revokeAllAccess',
        summary:
          "Deletes every user's ServiceAccount in the cluster (nested-clusters.cluster.update).\n",
        responses: {
          '200': {
            description: 'The revoked ServiceAccounts.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/RevokeAccessResponse' },
              },
            },
          },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '503': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/usage': {
      get: {
        operationId: 'getUsage',
        summary:
          'Per owner: clusters, requested and used CPU and memory, hours running and paused in the last 7 days, the limits, and (with nestedClusters.cost) the estimated saving; over the clusters the caller may read.\n',
        responses: {
          '200': {
            description: 'Usage per owner.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/UsageResponse' },
              },
            },
          },
          '401': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
  components: {
    securitySchemes: { BackstageToken: { type: 'http', scheme: 'bearer' } },
    parameters: {
      host: {
        name: 'host',
        in: 'path',
        required: true,
        description: 'Host cluster of the nested cluster',
        schema: { type: 'string', minLength: 1 },
      },
      name: {
        name: 'name',
        in: 'path',
        required: true,
        description: 'Name of the nested cluster',
        schema: {
          type: 'string',
          maxLength: 40,
          pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        },
      },
    },
    responses: {
      Error: {
        description:
          'Backstage error: 400 names the field, 403 the permission, 409 a taken name or impossible transition, 429 an exhausted quota, 503 the host that cannot be reached.\n',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'response'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: { type: 'string' },
              message: { type: 'string' },
            },
          },
          request: {
            type: 'object',
            properties: { method: { type: 'string' }, url: { type: 'string' } },
          },
          response: {
            type: 'object',
            required: ['statusCode'],
            properties: { statusCode: { type: 'integer' } },
          },
        },
      },
      NestedClusterStatus: {
        type: 'string',
        description: 'Lifecycle status, derived from signals on its host',
        enum: [
          'Provisioning',
          'Running',
          'Pausing',
          'Paused',
          'Resuming',
          'Failed',
          'Deleting',
          'Unknown',
        ],
      },
      InstallerType: {
        type: 'string',
        description:
          'How the vcluster is installed on its host: capi, helm-job, flux, or a type a backend module added through the installers extension point',
        example: 'helm-job',
      },
      ProvisioningProgress: {
        type: 'object',
        description: 'Provisioning progress through the installation steps',
        required: ['completedSteps', 'totalSteps', 'step'],
        properties: {
          completedSteps: { type: 'integer' },
          totalSteps: { type: 'integer' },
          step: { type: 'string' },
        },
      },
      NestedCluster: {
        type: 'object',
        description: 'A nested (virtual) cluster',
        required: [
          'name',
          'host',
          'namespace',
          'status',
          'owner',
          'createdBy',
          'profile',
          'installer',
          'createdAt',
          'expiresAt',
        ],
        properties: {
          name: {
            type: 'string',
            description: 'Name of the nested cluster, unique per host',
          },
          host: { type: 'string', description: 'Host cluster it runs on' },
          namespace: {
            type: 'string',
            description: 'Its namespace on the host',
          },
          status: { $ref: '#/components/schemas/NestedClusterStatus' },
          statusMessage: {
            type: 'string',
            description: 'Why it is in this status',
          },
          progress: { $ref: '#/components/schemas/ProvisioningProgress' },
          owner: {
            type: 'string',
            description: 'Entity ref of the owning group or user',
          },
          component: {
            type: 'string',
            description: 'Entity ref of the component it belongs to',
          },
          createdBy: {
            type: 'string',
            description: 'Entity ref of the user who created it',
          },
          profile: {
            type: 'string',
            description: 'Profile it was created from',
          },
          installer: { $ref: '#/components/schemas/InstallerType' },
          kubernetesVersion: {
            type: 'string',
            description:
              "Kubernetes version the control plane runs: the tag of the chart's init container `kubernetes`",
          },
          vclusterVersion: {
            type: 'string',
            description:
              'vcluster version: the tag of the `syncer` container (the chart version)',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
            description: 'Creation time, RFC 3339',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
            description: 'When it is deleted automatically, RFC 3339',
          },
          addons: {
            type: 'array',
            description:
              'What vcluster deploys inside the cluster, as its profile said at creation, and how far it got.',
            items: { $ref: '#/components/schemas/AddonStatus' },
          },
          sleep: { $ref: '#/components/schemas/ClusterSleep' },
          usage: { $ref: '#/components/schemas/ClusterUsage' },
          requests: {
            allOf: [{ $ref: '#/components/schemas/Resources' }],
            description:
              "What its profile requests on the host (control plane plus the ResourceQuota's requests), as recorded at creation; owners' CPU and memory limits count this",
          },
          pausedAt: {
            type: 'string',
            format: 'date-time',
            description:
              "Since when it is paused (the vcluster CLI's loft.sh/paused-date)",
          },
          pauses: {
            type: 'array',
            description:
              'Its finished pauses of the last 7 days that the portal resumed',
            items: { $ref: '#/components/schemas/PauseInterval' },
          },
          hours: { $ref: '#/components/schemas/ClusterHours' },
        },
      },
      Resources: {
        type: 'object',
        description: 'CPU and memory, as pods request them',
        required: ['cpuMillicores', 'memoryBytes'],
        properties: {
          cpuMillicores: { type: 'integer', minimum: 0 },
          memoryBytes: { type: 'integer', minimum: 0 },
        },
      },
      ClusterUsage: {
        description:
          "What the cluster requests on its host now, from the watch cache: its control plane's pods plus the pods synced from inside it (label vcluster.loft.sh/managed-by).\n",
        allOf: [
          { $ref: '#/components/schemas/Resources' },
          {
            type: 'object',
            required: ['pods'],
            properties: {
              pods: {
                type: 'integer',
                minimum: 0,
                description: 'Pods synced from inside the cluster',
              },
            },
          },
        ],
      },
      PauseInterval: {
        type: 'object',
        required: ['from', 'to'],
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
        },
      },
      ClusterHours: {
        type: 'object',
        description:
          'Hours running and paused in the last 7 days (or since creation)',
        required: ['running', 'paused'],
        properties: {
          running: { type: 'number', minimum: 0 },
          paused: { type: 'number', minimum: 0 },
        },
      },
      OwnerLimits: {
        type: 'object',
        description: 'limits.perOwner; CPU and memory only when configured',
        required: ['clusters'],
        properties: {
          clusters: { type: 'integer', minimum: 0 },
          cpuMillicores: { type: 'integer', minimum: 0 },
          memoryBytes: { type: 'integer', minimum: 0 },
        },
      },
      OwnerUsage: {
        type: 'object',
        description: "One owner's clusters that the caller may read, added up",
        required: ['owner', 'clusters', 'requests', 'usage', 'hours', 'limits'],
        properties: {
          owner: { type: 'string', description: 'Entity ref of the owner' },
          clusters: { type: 'integer', minimum: 0 },
          requests: {
            allOf: [{ $ref: '#/components/schemas/Resources' }],
            description:
              "What its clusters' profiles request (what the limits count)",
          },
          usage: {
            allOf: [{ $ref: '#/components/schemas/Resources' }],
            description: "What its clusters' pods request on the hosts now",
          },
          hours: { $ref: '#/components/schemas/ClusterHours' },
          limits: { $ref: '#/components/schemas/OwnerLimits' },
          saving: {
            type: 'number',
            minimum: 0,
            description:
              "Estimated saving of the last 7 days in cost.currency: hours paused × requests × cost's prices; only when nestedClusters.cost is configured",
          },
        },
      },
      CostSettings: {
        type: 'object',
        description:
          'nestedClusters.cost, the prices a saving is estimated with',
        required: ['cpuHour', 'gibHour', 'currency'],
        properties: {
          cpuHour: { type: 'number', minimum: 0 },
          gibHour: { type: 'number', minimum: 0 },
          currency: { type: 'string' },
        },
      },
      UsageResponse: {
        type: 'object',
        required: ['owners', 'hostErrors'],
        properties: {
          owners: {
            type: 'array',
            items: { $ref: '#/components/schemas/OwnerUsage' },
          },
          cost: { $ref: '#/components/schemas/CostSettings' },
          hostErrors: {
            type: 'array',
            items: { $ref: '#/components/schemas/HostError' },
          },
        },
      },
      SleepSchedule: {
        type: 'object',
        description:
          "When a cluster is paused and resumed, in the shape of vCluster's sleep.auto: two cron expressions (5 fields) in an IANA time zone.\n",
        required: ['schedule', 'wakeup'],
        additionalProperties: false,
        properties: {
          schedule: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            example: '0 20 * * 1-5',
            description: 'When to pause (cron)',
          },
          wakeup: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            example: '0 8 * * 1-5',
            description:
              'When to resume (cron); only clusters the schedule paused',
          },
          timezone: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            example: 'Europe/Berlin',
            description: 'IANA time zone of both; default UTC',
          },
        },
      },
      ClusterSleep: {
        type: 'object',
        description: "The cluster's sleep schedule and its next event.",
        required: ['schedule', 'wakeup', 'timezone'],
        properties: {
          schedule: { type: 'string' },
          wakeup: { type: 'string' },
          timezone: { type: 'string' },
          next: {
            type: 'object',
            description: "The schedule's next event",
            required: ['action', 'at'],
            properties: {
              action: { type: 'string', enum: ['sleep', 'wake'] },
              at: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
      AddonPhase: {
        type: 'string',
        description:
          "A phase of vcluster's deploy controller (pkg/controllers/deploy).",
        enum: ['Pending', 'Success', 'Failed'],
      },
      AddonSummary: {
        type: 'object',
        description:
          'Something a profile deploys inside its clusters: raw manifests or a Helm chart.',
        required: ['name', 'type'],
        properties: {
          name: { type: 'string' },
          type: { type: 'string', enum: ['manifests', 'chart'] },
          chart: {
            type: 'object',
            description: 'Chart add-ons: the chart.',
            required: ['name', 'version'],
            properties: {
              name: { type: 'string' },
              version: { type: 'string' },
            },
          },
          release: {
            type: 'object',
            description: 'Chart add-ons: where it is released.',
            required: ['name', 'namespace'],
            properties: {
              name: { type: 'string' },
              namespace: { type: 'string' },
            },
          },
        },
      },
      AddonStatus: {
        description:
          "An add-on of a cluster and its phase, from the cluster's ConfigMap kube-system/vcluster-deploy; Pending until the control plane reports.",
        allOf: [
          { $ref: '#/components/schemas/AddonSummary' },
          {
            type: 'object',
            required: ['phase'],
            properties: {
              phase: { $ref: '#/components/schemas/AddonPhase' },
              reason: {
                type: 'string',
                description: 'Why it failed, e.g. InstallFailed.',
              },
              message: {
                type: 'string',
                description:
                  "The failure as vcluster reports it (helm's error).",
              },
            },
          },
        ],
      },
      HostSummary: {
        type: 'object',
        required: [
          'name',
          'title',
          'installer',
          'healthy',
          'clusterCount',
          'maxClusters',
        ],
        properties: {
          name: { type: 'string' },
          title: { type: 'string' },
          installer: { $ref: '#/components/schemas/InstallerType' },
          healthy: { type: 'boolean' },
          message: { type: 'string' },
          lastSyncAt: { type: 'string', format: 'date-time' },
          clusterCount: { type: 'integer' },
          maxClusters: { type: 'integer' },
          unmanaged: {
            type: 'array',
            description:
              'vclusters on the host that the plugin did not create (e.g. with `vcluster create`), read-only.\n',
            items: { $ref: '#/components/schemas/UnmanagedVcluster' },
          },
        },
      },
      UnmanagedVcluster: {
        type: 'object',
        description:
          "A vcluster control plane (the chart's StatefulSet or Deployment, labelled app=vcluster, as `vcluster list` finds them) in a namespace without the plugin's labels. No route acts on it.\n",
        required: ['namespace', 'name', 'kind', 'status'],
        properties: {
          namespace: { type: 'string' },
          name: {
            type: 'string',
            description: 'The Helm release (label release)',
          },
          kind: { type: 'string', enum: ['StatefulSet', 'Deployment'] },
          status: { $ref: '#/components/schemas/UnmanagedVclusterStatus' },
          kubernetesVersion: {
            type: 'string',
            description: 'The tag of the init container `kubernetes`',
          },
          vclusterVersion: {
            type: 'string',
            description:
              'The tag of the `syncer` container (the chart version)',
          },
        },
      },
      UnmanagedVclusterStatus: {
        type: 'string',
        description:
          'As `vcluster list` derives it: Paused (loft.sh/paused), ScaledDown (0 replicas), Failed (a control-plane pod that will not start), Running (every replica ready), else Pending; Deleting while terminating; Unknown while the host is unreachable.\n',
        enum: [
          'Running',
          'Pending',
          'Paused',
          'ScaledDown',
          'Failed',
          'Deleting',
          'Unknown',
        ],
      },
      ProfileSummary: {
        type: 'object',
        required: [
          'name',
          'title',
          'kubernetesVersion',
          'chartVersion',
          'ttl',
          'maxTtl',
        ],
        properties: {
          name: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          kubernetesVersion: { type: 'string' },
          chartVersion: { type: 'string' },
          ttl: { type: 'string' },
          maxTtl: { type: 'string' },
          addons: {
            type: 'array',
            description: 'What the profile deploys inside each new cluster.',
            items: { $ref: '#/components/schemas/AddonSummary' },
          },
          sleep: { $ref: '#/components/schemas/SleepSchedule' },
        },
      },
      HostError: {
        type: 'object',
        required: ['host', 'message'],
        properties: { host: { type: 'string' }, message: { type: 'string' } },
      },
      ListClustersResponse: {
        type: 'object',
        required: ['items', 'hostErrors'],
        properties: {
          items: {
            type: 'array',
            items: { $ref: '#/components/schemas/NestedCluster' },
          },
          totalItems: {
            type: 'integer',
            description:
              'With limit, how many clusters the caller may read match the filters, over all pages',
          },
          nextCursor: {
            type: 'string',
            description:
              'With limit, the cursor of the next page; absent on the last page',
          },
          hostErrors: {
            type: 'array',
            items: { $ref: '#/components/schemas/HostError' },
          },
        },
      },
      UserKubeconfig: {
        type: 'object',
        required: ['kubeconfig', 'serviceAccount', 'clusterRole', 'expiresAt'],
        properties: {
          kubeconfig: {
            type: 'string',
            description: 'The kubeconfig (YAML); it holds the token.',
          },
          serviceAccount: {
            type: 'string',
            description:
              "NAMESPACE/NAME of the caller's ServiceAccount inside the cluster.",
          },
          clusterRole: { type: 'string' },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      RevokeAccessResponse: {
        type: 'object',
        required: ['revoked'],
        properties: {
          revoked: {
            type: 'array',
            description: 'NAMESPACE/NAME of each ServiceAccount deleted.',
            items: { type: 'string' },
          },
        },
      },
      CreateClusterRequest: {
        type: 'object',
        required: ['name', 'profile'],
        additionalProperties: false,
        properties: {
          name: {
            type: 'string',
            maxLength: 40,
            pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
            description:
              'DNS-1123 label, at most 40 characters, unique on the host',
          },
          profile: {
            type: 'string',
            minLength: 1,
            description: 'Name of a profile, e.g. sandbox',
          },
          host: {
            type: 'string',
            minLength: 1,
            maxLength: 253,
            description:
              'Host to create it on; default: the reachable host with the most free capacity',
          },
          entityRef: {
            type: 'string',
            minLength: 1,
            maxLength: 253,
            description:
              'The component it is for, e.g. component:default/web-shop',
          },
          owner: {
            type: 'string',
            minLength: 1,
            maxLength: 253,
            description:
              "Owning group or user; default: the component's owner if you are in it, else you",
          },
          ttl: {
            type: 'string',
            minLength: 1,
            maxLength: 253,
            example: '72h',
            description:
              "Lifetime such as 8h or 3d; default: the profile's ttl, at most its maxTtl",
          },
          sleep: {
            allOf: [{ $ref: '#/components/schemas/SleepSchedule' }],
            description:
              "Sleep schedule; default: the profile's. With a profile schedule, it may keep the cluster awake no more hours a week than the profile's",
          },
        },
      },
      ExtendClusterRequest: {
        type: 'object',
        required: ['ttl'],
        additionalProperties: false,
        properties: {
          ttl: {
            type: 'string',
            minLength: 1,
            example: '24h',
            description: 'How much longer, such as 8h, 3d or 1w',
          },
        },
      },
    },
  },
} as const;
