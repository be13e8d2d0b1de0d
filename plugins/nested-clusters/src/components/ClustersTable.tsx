import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { ClusterActions, Notice } from './ClusterActions';
import { ClusterStatus, ExpiresIn } from './ClusterStatus';
import { ClusterUsage, NextSleep } from './ClusterUsage';
import { clusterKey } from './clusterUtils';
import { memo, useCallback, useRef } from 'react';

export interface ClustersTableProps {
  clusters: NestedCluster[];
  /** Adds owner and component columns, for views that span components. */
  showOwnership?: boolean;
  onChanged(): void;
  onNotice(notice: Notice): void;
}

const useStyles = makeStyles({
  // Short values (names, versions, durations) read badly when wrapped mid-word.
  // Tight cells so the table fits the entity page's content column.
  table: {
    '& td, & th': { whiteSpace: 'nowrap', padding: '6px 8px' },
    '& td:first-child, & th:first-child': { paddingLeft: 16 },
  },
});

/**
 * A link titled by the ref itself. Without a title, EntityRefLink loads the
 * entity from the catalog and wraps it in a Tooltip, twice per page row.
 */
function RefLink(props: { entityRef: string; defaultKind: string }) {
  const { entityRef, defaultKind } = props;
  return (
    <EntityRefLink
      entityRef={entityRef}
      title={humanizeEntityRef(parseEntityRef(entityRef), { defaultKind })}
    />
  );
}

interface ClusterRowProps {
  cluster: NestedCluster;
  showOwnership?: boolean;
  onChanged(): void;
  onNotice(notice: Notice): void;
}

/**
 * One cluster's row. A reload brings new objects for every cluster, but a
 * signal usually means one of them changed: rows whose cluster reads the
 * same are not rendered again (the callbacks are stable, see below).
 */
const ClusterRow = memo(
  function ClusterRowContent(props: ClusterRowProps) {
    const { cluster, showOwnership, onChanged, onNotice } = props;
    return (
      <TableRow data-testid={clusterKey(cluster)}>
        <TableCell component="th" scope="row">
          {cluster.name}
          {/* Under the name rather than a column of its own, to fit narrow cards. */}
          <Typography variant="caption" color="textSecondary" display="block">
            {cluster.host}
          </Typography>
        </TableCell>
        <TableCell>
          <ClusterStatus cluster={cluster} />
          <NextSleep cluster={cluster} />
        </TableCell>
        <TableCell>{cluster.kubernetesVersion ?? '—'}</TableCell>
        <TableCell>
          <ExpiresIn expiresAt={cluster.expiresAt} />
        </TableCell>
        <TableCell>
          <ClusterUsage cluster={cluster} />
        </TableCell>
        {showOwnership && (
          <TableCell>
            <RefLink entityRef={cluster.owner} defaultKind="group" />
          </TableCell>
        )}
        {showOwnership && (
          <TableCell>
            {cluster.component ? (
              <RefLink entityRef={cluster.component} defaultKind="component" />
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
    );
  },
  (before, after) =>
    before.showOwnership === after.showOwnership &&
    before.onChanged === after.onChanged &&
    before.onNotice === after.onNotice &&
    JSON.stringify(before.cluster) === JSON.stringify(after.cluster),
);

/** Clusters with status, expiry and the actions the user may take. */
export function ClustersTable(props: ClustersTableProps) {
  const { clusters, showOwnership } = props;
  const classes = useStyles();
  // The callers' callbacks change with their load state; the rows get stable
  // ones that call the latest, so a reload does not render every row again.
  const latest = useRef(props);
  latest.current = props;
  const onChanged = useCallback(() => latest.current.onChanged(), []);
  const onNotice = useCallback(
    (notice: Notice) => latest.current.onNotice(notice),
    [],
  );
  return (
    // Scrolls sideways in narrow columns (the entity page's content column)
    // instead of cutting off the actions.
    <TableContainer>
      <Table
        size="small"
        aria-label="Nested clusters"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <TableCell>Name / host</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Kubernetes</TableCell>
            <TableCell>Expires in</TableCell>
            <TableCell>Usage</TableCell>
            {showOwnership && <TableCell>Owner</TableCell>}
            {showOwnership && <TableCell>Component</TableCell>}
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {clusters.map(cluster => (
            <ClusterRow
              key={clusterKey(cluster)}
              cluster={cluster}
              showOwnership={showOwnership}
              onChanged={onChanged}
              onNotice={onNotice}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
