import { ControllerContext } from '../controllers/context';
import { field } from '../controllers/kinds';
import { isJsonObject } from '../json';
import { KubeObject } from '../model';

const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';

function matchLabelsOf(role: KubeObject): Record<string, string>[] {
  const selectors = field(role, 'aggregationRule').clusterRoleSelectors;
  return (Array.isArray(selectors) ? selectors : [])
    .filter(isJsonObject)
    .map(s => (isJsonObject(s.matchLabels) ? s.matchLabels : {}))
    .map(labels =>
      Object.fromEntries(
        Object.entries(labels).map(([k, v]) => [k, String(v)]),
      ),
    );
}

/**
 * The ClusterRole aggregation controller (kubernetes
 * pkg/controller/clusterroleaggregation): a ClusterRole with an
 * aggregationRule gets the union of the rules of the ClusterRoles its
 * selectors match (matchLabels only), kept current as they change.
 */
export function clusterRoleAggregationController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const aggregate = () => {
    const roles = store.list(CLUSTER_ROLES);
    for (const role of roles) {
      const selectors = matchLabelsOf(role);
      if (selectors.length === 0) {
        continue;
      }
      const rules: string[] = [];
      for (const other of roles) {
        const labels = other.metadata.labels ?? {};
        const selected = selectors.some(sel =>
          Object.entries(sel).every(([k, v]) => labels[k] === v),
        );
        if (other.metadata.name === role.metadata.name || !selected) {
          continue;
        }
        for (const r of Array.isArray(other.rules) ? other.rules : []) {
          const text = JSON.stringify(r);
          if (!rules.includes(text)) {
            rules.push(text);
          }
        }
      }
      if (JSON.stringify(role.rules ?? []) !== `[${rules.join(',')}]`) {
        api.update(kinds.clusterRole, undefined, role.metadata.name, {
          ...role,
          rules: rules.map(r => JSON.parse(r)),
        });
      }
    }
  };
  return store.subscribe(event => {
    if (event.typeKey === CLUSTER_ROLES) {
      runtime.enqueue('clusterrole-aggregation', aggregate);
    }
  });
}
