import { InputError } from '@backstage/errors';
import { clusterPagePath, normalizeEntityRef } from './entityRefs';

describe('normalizeEntityRef', () => {
  it('fills in kind and namespace and lowercases, as Backstage compares refs', () => {
    expect(
      normalizeEntityRef('Web-Shop', {
        field: 'entityRef',
        defaultKind: 'component',
      }),
    ).toBe('component:default/web-shop');
    expect(
      normalizeEntityRef('Group:Platform/Team-A', { field: 'owner' }),
    ).toBe('group:platform/team-a');
  });

  it('rejects what is not a ref with a 400 naming the field', () => {
    expect(() =>
      normalizeEntityRef('component:', { field: 'entityRef' }),
    ).toThrow(InputError);
    expect(() =>
      normalizeEntityRef('component:', { field: 'entityRef' }),
    ).toThrow(/^entityRef: "component:" is not an entity ref/);
  });
});

describe('clusterPagePath', () => {
  it("is the component's entity page, with kind and namespace lowercase", () => {
    expect(clusterPagePath('component:Shop/Web-Shop')).toBe(
      '/catalog/shop/component/Web-Shop',
    );
    expect(clusterPagePath('Component:default/a b')).toBe(
      '/catalog/default/component/a%20b',
    );
  });

  it('is the clusters page without a component, or with a broken ref', () => {
    expect(clusterPagePath(undefined)).toBe('/nested-clusters');
    expect(clusterPagePath('web-shop')).toBe('/nested-clusters');
  });
});
