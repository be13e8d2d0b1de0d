import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { hasComponent, isOwner, NestedClusterPredicate } from './rules';

const cluster: NestedCluster = {
  name: 'demo',
  host: 'simulated',
  namespace: 'nc-demo',
  status: 'Running',
  owner: 'group:default/team-a',
  component: 'component:default/web-shop',
  createdBy: 'user:default/guest',
  profile: 'sandbox',
  installer: 'helm-job',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-04T00:00:00Z',
};

describe('permission rules', () => {
  it('IS_OWNER matches the owner or the creator, case-insensitively', () => {
    expect(isOwner.apply(cluster, { claims: ['group:default/Team-A'] })).toBe(
      true,
    );
    expect(isOwner.apply(cluster, { claims: ['user:default/guest'] })).toBe(
      true,
    );
    expect(
      isOwner.apply(cluster, {
        claims: ['user:default/bob', 'group:default/team-b'],
      }),
    ).toBe(false);
    const query = isOwner.toQuery({
      claims: ['user:default/guest'],
    }) as NestedClusterPredicate;
    expect(query(cluster)).toBe(true);
    expect(query({ ...cluster, createdBy: 'user:default/carol' })).toBe(false);
  });

  it('HAS_COMPONENT matches the component', () => {
    expect(
      hasComponent.apply(cluster, {
        componentRef: 'component:default/web-shop',
      }),
    ).toBe(true);
    expect(
      hasComponent.apply(
        { ...cluster, component: undefined },
        { componentRef: 'component:default/web-shop' },
      ),
    ).toBe(false);
  });
});
