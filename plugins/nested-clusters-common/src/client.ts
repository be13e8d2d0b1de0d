import { ResponseError } from '@backstage/errors';
import {
  CreateClusterRequest,
  ExtendClusterRequest,
  HostSummary,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  ProfileSummary,
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
  /** The kubeconfig as YAML text. */
  getKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<string>;
}

export interface NestedClustersClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/** Isomorphic client: the frontend passes fetchApi, backends pass a token per call. */
export class NestedClustersClient implements NestedClustersApi {
  private readonly discoveryApi: NestedClustersClientOptions['discoveryApi'];
  private readonly fetchImpl: typeof fetch;

  constructor(options: NestedClustersClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchImpl = options.fetchApi
      ? options.fetchApi.fetch.bind(options.fetchApi)
      : fetch;
  }

  async listHosts(options?: RequestOptions): Promise<HostSummary[]> {
    const body = await this.json<{ items: HostSummary[] }>(
      'GET',
      '/hosts',
      options,
    );
    return body.items;
  }

  async listProfiles(options?: RequestOptions): Promise<ProfileSummary[]> {
    const body = await this.json<{ items: ProfileSummary[] }>(
      'GET',
      '/profiles',
      options,
    );
    return body.items;
  }

  listClusters(
    query: ListClustersQuery = {},
    options?: RequestOptions,
  ): Promise<ListClustersResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value) {
        params.set(key, value);
      }
    }
    const search = params.size ? `?${params}` : '';
    return this.json('GET', `/clusters${search}`, options);
  }

  getCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    return this.json('GET', clusterPath(host, name), options);
  }

  createCluster(
    request: CreateClusterRequest,
    options?: RequestOptions & { dryRun?: boolean },
  ): Promise<NestedCluster> {
    const path = options?.dryRun ? '/clusters?dryRun=true' : '/clusters';
    return this.json('POST', path, options, request);
  }

  pauseCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    return this.json('POST', `${clusterPath(host, name)}/pause`, options);
  }

  resumeCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    return this.json('POST', `${clusterPath(host, name)}/resume`, options);
  }

  extendCluster(
    host: string,
    name: string,
    request: ExtendClusterRequest,
    options?: RequestOptions,
  ): Promise<NestedCluster> {
    return this.json(
      'POST',
      `${clusterPath(host, name)}/extend`,
      options,
      request,
    );
  }

  async deleteCluster(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<void> {
    await this.request('DELETE', clusterPath(host, name), options);
  }

  async getKubeconfig(
    host: string,
    name: string,
    options?: RequestOptions,
  ): Promise<string> {
    const response = await this.request(
      'GET',
      `${clusterPath(host, name)}/kubeconfig`,
      options,
    );
    return response.text();
  }

  private async json<T>(
    method: string,
    path: string,
    options?: RequestOptions,
    body?: unknown,
  ): Promise<T> {
    const response = await this.request(method, path, options, body);
    return (await response.json()) as T;
  }

  private async request(
    method: string,
    path: string,
    options?: RequestOptions,
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(
      NESTED_CLUSTERS_PLUGIN_ID,
    );
    const headers: Record<string, string> = {};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (options?.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    const response = await this.fetchImpl(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

function clusterPath(host: string, name: string): string {
  return `/clusters/${encodeURIComponent(host)}/${encodeURIComponent(name)}`;
}
