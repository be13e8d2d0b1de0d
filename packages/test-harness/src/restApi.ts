import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ListClustersResponse,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { GUEST_REF } from './org';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/**
 * The REST API over real HTTP (fetch, as a browser or another process calls
 * it), as the guest user or another one. Answers are returned, never thrown.
 */
export class RestApi {
  constructor(readonly baseUrl: string, readonly user: string = GUEST_REF) {}

  as(user: string): RestApi {
    return new RestApi(this.baseUrl, user);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(this.user),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // YAML or empty bodies stay text.
    }
    return { status: res.status, body: parsed as T, text };
  }

  create(name: string, host: string, extra: Record<string, unknown> = {}) {
    return this.call<NestedCluster>('POST', '/clusters', {
      name,
      host,
      profile: 'sandbox',
      ...extra,
    });
  }

  async list(query = ''): Promise<ListClustersResponse> {
    const answer = await this.call<ListClustersResponse>(
      'GET',
      `/clusters${query}`,
    );
    if (answer.status !== 200) {
      throw new Error(`GET /clusters${query}: ${answer.status} ${answer.text}`);
    }
    return answer.body;
  }

  get(host: string, name: string) {
    return this.call<NestedCluster>('GET', `/clusters/${host}/${name}`);
  }

  action(host: string, name: string, action: 'pause' | 'resume') {
    return this.call<NestedCluster>(
      'POST',
      `/clusters/${host}/${name}/${action}`,
    );
  }

  delete(host: string, name: string) {
    return this.call('DELETE', `/clusters/${host}/${name}`);
  }
}
