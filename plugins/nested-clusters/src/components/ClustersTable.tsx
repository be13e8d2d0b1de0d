import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { ClusterActions, Notice } from './ClusterActions';
import { ClusterStatus, ExpiresIn } from './ClusterStatus';
import { clusterKey } from './clusterUtils';

export interface ClustersTableProps {
  clusters: NestedCluster[];
  /** Adds owner and component columns, for views that span components. */
  showOwnership?: boolean;
  onChanged(): void;
  onNotice(notice: Notice): void;
}

/** Clusters with status, expiry and the actions the user may take. */
export function ClustersTable(props: ClustersTableProps) {
  const { clusters, showOwnership, onChanged, onNotice } = props;
  return (
    <Table size="small" aria-label="Nested clusters">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Host</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Kubernetes</TableCell>
          <TableCell>Expires in</TableCell>
          {showOwnership && <TableCell>Owner</TableCell>}
          {showOwnership && <TableCell>Component</TableCell>}
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {clusters.map(cluster => (
          <TableRow key={clusterKey(cluster)} data-testid={clusterKey(cluster)}>
            <TableCell component="th" scope="row">
              {cluster.name}
            </TableCell>
            <TableCell>{cluster.host}</TableCell>
            <TableCell>
              <ClusterStatus cluster={cluster} />
            </TableCell>
            <TableCell>{cluster.kubernetesVersion ?? '—'}</TableCell>
            <TableCell>
              <ExpiresIn expiresAt={cluster.expiresAt} />
            </TableCell>
            {showOwnership && (
              <TableCell>
                <EntityRefLink entityRef={cluster.owner} />
              </TableCell>
            )}
            {showOwnership && (
              <TableCell>
                {cluster.component ? (
                  <EntityRefLink entityRef={cluster.component} />
                ) : (
                  '—'
                )}
              </TableCell>
            )}
            <TableCell padding="none">
              <ClusterActions
                cluster={cluster}
                onChanged={onChanged}
                onNotice={onNotice}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
