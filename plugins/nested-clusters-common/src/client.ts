// openapi-fetch names its methods after the HTTP verbs (GET, POST, DELETE).
/* eslint-disable new-cap */
import { ResponseError } from '@backstage/errors';
import createClient, { Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import {
  CreateClusterRequest,
  ExtendClusterRequest,
  HostSummary,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  ProfileSummary,
  RevokeAccessResponse,
  UsageResponse,
  UserKubeconfig,
} from './types';

export const NESTED_CLUSTERS_PLUGIN_ID = 'nested-clusters';

/** Options every call accepts; backend callers pass a token issued on behalf of a user. */
export interface RequestOptions {
  token?: string;
}

/** The REST API of the nested-clusters backend. */
export interface NestedClustersApi {
  listHosts(options?: RequestOptions): Promise<HostSummary[]>;
  listProfiles(options?: RequestOptions): Promise<ProfileSummary[]>;
  /** Per owner: requests, usage, hours, limits and saving of the clusters the caller may read. */
  getUsage(options?: RequestOptions): Promise<UsageResponse>;
  listClusters(
    query?: ListClustersQuery,
    options?: RequestOptions,
  ): Promise<ListClustersResponse>;
  getCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster>;
  createCluster(
    request: CreateClusterRequest,
    options?: RequestOptions & { dryRun?: boolean },
  ): Promise<NestedCluster>;
  pauseCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster>;
  resumeCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster>;
  extendCluster(
    host: string,
    name: string,
    request: ExtendClusterRequest,
    options?: RequestOptions,
  ): Promise<NestedCluster>;
  deleteCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<void>;
  /**
   * A kubeconfig of the caller's own ServiceAccount, with a token that
   * expires after `expiration` (default: the profile's), e.g. `2h`.
   */
  getKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions & { expiration?: string },
  ): Promise<UserKubeconfig>;
  /** The vcluster's admin kubeconfig (YAML); platform admins only. */
  getAdminKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<string>;
  /** Deletes the caller's ServiceAccount in the cluster, which invalidates its tokens. */
  revokeMyAccess(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<RevokeAccessResponse>;
  /** Deletes every user's ServiceAccount in the cluster (owners). */
  revokeAllAccess(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<RevokeAccessResponse>;
}

export interface NestedClustersClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/**
 * Isomorphic client on the types generated from the spec (openapi-fetch):
 * the frontend passes fetchApi, backends pass a token per call. Failures
 * throw ResponseError, as other Backstage clients do.
 */
export class NestedClustersClient implements NestedClustersApi {
  private readonly discoveryApi: NestedClustersClientOptions['discoveryApi'];
  private readonly fetchImpl: typeof fetch;

  constructor(options: NestedClustersClientOptions) {
    this.discoveryApi = options.discoveryApi;
    const fetchImpl = options.fetchApi
      ? options.fetchApi.fetch.bind(options.fetchApi)
      : fetch;
    this.fetchImpl = async (input, init) => {
      const response = await fetchImpl(input, init);
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      return response;
    };
  }

  async listHosts(options?: RequestOptions): Promise<HostSummary[]> {
    const api = await this.api(options);
    return data(await api.GET('/hosts')).items;
  }

  async listProfiles(options?: RequestOptions): Promise<ProfileSummary[]> {
    const api = await this.api(options);
    return data(await api.GET('/profiles')).items;
  }

  async getUsage(options?: RequestOptions): Promise<UsageResponse> {
    const api = await this.api(options);
    return data(await api.GET('/usage'));
  }

  async listClusters(
    query: ListClustersQuery = {},
    options?: RequestOptions,
  ): Promise<ListClustersResponse> {
    const api = await this.api(options);
    // Blank filters are no filters.
    const filters = Object.fromEntries(
      Object.entries(query).filter(([, value]) => value),
    );
    return data(await api.GET('/clusters', { params: { query: filters } }));
  }

  async getCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    const api = await this.api(options);
    return data(
      await api.GET('/clusters/{host}/{name}', {
        params: { path: { host, name } },
      }),
    );
  }

  async createCluster(
    request: CreateClusterRequest,
    options?: RequestOptions & { dryRun?: boolean },
  ): Promise<NestedCluster> {
    const api = await this.api(options);
    return data(
      await api.POST('/clusters', {
        params: { query: options?.dryRun ? { dryRun: 'true' } : {} },
        body: request,
      }),
    );
  }

  async pauseCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    const api = await this.api(options);
    return data(
      await api.POST('/clusters/{host}/{name}/pause', {
        params: { path: { host, name } },
      }),
    );
  }

  async resumeCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    const api = await this.api(options);
    return data(
      await api.POST('/clusters/{host}/{name}/resume', {
        params: { path: { host, name } },
      }),
    );
  }

  async extendCluster(
    host: string,
    name: string,
    request: ExtendClusterRequest,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    const api = await this.api(options);
    return data(
      await api.POST('/clusters/{host}/{name}/extend', {
        params: { path: { host, name } },
        body: request,
      }),
    );
  }

  async deleteCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<void> {
    const api = await this.api(options);
    await api.DELETE('/clusters/{host}/{name}', {
      params: { path: { host, name } },
    });
  }

  async getKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions & { expiration?: string },
  ): Promise<UserKubeconfig> {
    const api = await this.api(options);
    const query = options?.expiration ? { expiration: options.expiration } : {};
    // The route serves a file by default; the JSON form carries the expiry.
    return (
      await api.GET('/clusters/{host}/{name}/kubeconfig', {
        params: { path: { host, name }, query },
        parseAs: 'json',
      })
    ).data as UserKubeconfig;
  }

  async getAdminKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<string> {
    const api = await this.api(options);
    return data(
      await api.GET('/clusters/{host}/{name}/kubeconfig/admin', {
        params: { path: { host, name } },
        parseAs: 'text',
      }),
    );
  }

  async revokeMyAccess(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<RevokeAccessResponse> {
    const api = await this.api(options);
    return data(
      await api.DELETE('/clusters/{host}/{name}/access/me', {
        params: { path: { host, name } },
      }),
    );
  }

  async revokeAllAccess(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<RevokeAccessResponse> {
    const api = await this.api(options);
    return data(
      await api.DELETE('/clusters/{host}/{name}/access', {
        params: { path: { host, name } },
      }),
    );
  }

  private async api(options?: RequestOptions): Promise<Client<paths>> {
    const baseUrl = await this.discoveryApi.getBaseUrl(
      NESTED_CLUSTERS_PLUGIN_ID,
    );
    return createClient<paths>({
      baseUrl,
      fetch: request => this.fetchImpl(request),
      // JSON answers, also from routes that serve other formats by default.
      headers: {
        Accept: 'application/json',
        ...(options?.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
    });
  }
}

/** The body of a successful call; failures have thrown already. */
function data<T>(result: { data?: T }): T {
  return result.data as T;
}
