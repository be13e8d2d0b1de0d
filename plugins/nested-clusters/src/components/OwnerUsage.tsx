import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  formatCpu,
  formatMemory,
  formatResources,
  OwnerUsage,
} from '@nested-clusters/plugin-nested-clusters-common';
import useAsync from 'react-use/esm/useAsync';
import { nestedClustersApiRef } from '../api';
import { formatHours } from './ClusterUsage';

/** Use against a limit as a bar, as Palette's cluster groups show quotas. */
function LimitBar(props: {
  label: string;
  owner: string;
  used: number;
  limit?: number;
  format(value: number): string;
}) {
  const { label, owner, used, limit, format } = props;
  const text =
    limit === undefined
      ? `${format(used)} (no limit)`
      : `${format(used)} of ${format(limit)}`;
  const percent =
    limit === undefined || limit === 0
      ? undefined
      : Math.min(100, (used / limit) * 100);
  return (
    <Box minWidth={120}>
      {percent !== undefined && (
        <LinearProgress
          variant="determinate"
          value={percent}
          color={percent >= 90 ? 'secondary' : 'primary'}
          aria-label={`${owner} ${label}: ${text}`}
        />
      )}
      <Typography variant="caption" color="textSecondary">
        {text}
      </Typography>
    </Box>
  );
}

const count = (n: number) => String(n);

function OwnerRow(props: { owner: OwnerUsage; currency?: string }) {
  const { owner, currency } = props;
  const name = humanizeEntityRef(parseEntityRef(owner.owner), {
    defaultKind: 'group',
  });
  return (
    <TableRow data-testid={`owner-${owner.owner}`}>
      <TableCell component="th" scope="row">
        <EntityRefLink entityRef={owner.owner} />
      </TableCell>
      <TableCell>
        <LimitBar
          label="clusters"
          owner={name}
          used={owner.clusters}
          limit={owner.limits.clusters}
          format={count}
        />
      </TableCell>
      <TableCell>
        <LimitBar
          label="CPU"
          owner={name}
          used={owner.requests.cpuMillicores}
          limit={owner.limits.cpuMillicores}
          format={formatCpu}
        />
      </TableCell>
      <TableCell>
        <LimitBar
          label="memory"
          owner={name}
          used={owner.requests.memoryBytes}
          limit={owner.limits.memoryBytes}
          format={formatMemory}
        />
      </TableCell>
      <TableCell>{formatResources(owner.usage)}</TableCell>
      <TableCell>
        {formatHours(owner.hours.running)} / {formatHours(owner.hours.paused)}
      </TableCell>
      {currency && (
        <TableCell>
          {(owner.saving ?? 0).toLocaleString(undefined, {
            style: 'currency',
            currency,
          })}
        </TableCell>
      )}
    </TableRow>
  );
}

/**
 * Each owner's clusters, requested CPU and memory against
 * `limits.perOwner` as bars, what their pods request now, hours running and
 * paused in the last 7 days, and the estimated saving when prices are set.
 */
export function OwnerUsageTable() {
  const api = useApi(nestedClustersApiRef);
  const { value, loading, error } = useAsync(() => api.getUsage(), [api]);
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (loading || !value) {
    return <Progress />;
  }
  if (value.owners.length === 0) {
    return <Typography>No clusters you may see yet.</Typography>;
  }
  const currency = value.cost?.currency;
  return (
    <Table size="small" aria-label="Usage per owner">
      <TableHead>
        <TableRow>
          <TableCell>Owner</TableCell>
          <TableCell>Clusters</TableCell>
          <TableCell>CPU requested</TableCell>
          <TableCell>Memory requested</TableCell>
          <TableCell>In use now</TableCell>
          <TableCell>Running / paused (7d)</TableCell>
          {currency && <TableCell>Saved by pauses (7d)</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {value.owners.map(owner => (
          <OwnerRow key={owner.owner} owner={owner} currency={currency} />
        ))}
      </TableBody>
    </Table>
  );
}
