import { Entity } from '@backstage/catalog-model';
import {
  componentOwner,
  hasNoComponent,
  isComponentOwner,
  NestedClusterCreateTargetPredicate,
} from './componentRules';

const webShop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop' },
  spec: { type: 'website', owner: 'team-a' },
};

describe('component permission rules', () => {
  it('IS_COMPONENT_OWNER matches when the component’s owner is among the claims', () => {
    const component = webShop;
    expect(
      isComponentOwner.apply(
        { component },
        { claims: ['user:default/guest', 'group:default/Team-A'] },
      ),
    ).toBe(true);
    expect(
      isComponentOwner.apply(
        { component },
        { claims: ['user:default/bob', 'group:default/team-b'] },
      ),
    ).toBe(false);
    // No component, or a component nobody owns, has no owner to match.
    expect(
      isComponentOwner.apply({}, { claims: ['group:default/team-a'] }),
    ).toBe(false);
    expect(
      isComponentOwner.apply(
        { component: { ...webShop, spec: { type: 'website' } } },
        { claims: ['group:default/team-a'] },
      ),
    ).toBe(false);
    const query = isComponentOwner.toQuery({
      claims: ['group:default/team-a'],
    }) as NestedClusterCreateTargetPredicate;
    expect(query({ component })).toBe(true);
    expect(query({})).toBe(false);
  });

  it('HAS_NO_COMPONENT matches only a create without a component', () => {
    expect(hasNoComponent.apply({}, undefined)).toBe(true);
    expect(hasNoComponent.apply({ component: webShop }, undefined)).toBe(false);
  });

  it('reads the owner from the ownedBy relation, else from spec.owner in the entity’s namespace', () => {
    expect(componentOwner(webShop)).toBe('group:default/team-a');
    expect(
      componentOwner({
        ...webShop,
        metadata: { name: 'x', namespace: 'shop' },
        spec: { owner: 'user:Carol' },
      }),
    ).toBe('user:shop/carol');
    expect(
      componentOwner({
        ...webShop,
        relations: [{ type: 'ownedBy', targetRef: 'group:default/Team-B' }],
      }),
    ).toBe('group:default/team-b');
    expect(componentOwner({ ...webShop, spec: {} })).toBeUndefined();
  });
});
