import { StatusError, StatusOK } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  HostSummary,
  UnmanagedVcluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { Fragment } from 'react';

/**
 * A vcluster the plugin did not create (installed with the vcluster CLI or
 * Helm), listed under its host's row. It has no actions: the plugin does not
 * own it.
 */
function UnmanagedVclusterRow({
  host,
  vcluster,
}: {
  host: HostSummary;
  vcluster: UnmanagedVcluster;
}) {
  const label = `${vcluster.namespace}/${vcluster.name}`;
  return (
    <TableRow aria-label={`Unmanaged vcluster ${label} on ${host.name}`}>
      <TableCell component="th" scope="row">
        <Box pl={2}>
          {label}
          <Typography variant="caption" display="block" color="textSecondary">
            unmanaged · read-only
          </Typography>
        </Box>
      </TableCell>
      <TableCell>{vcluster.kind}</TableCell>
      <TableCell>{vcluster.status}</TableCell>
      <TableCell>
        Kubernetes {vcluster.kubernetesVersion ?? 'unknown'} · vcluster{' '}
        {vcluster.vclusterVersion ?? 'unknown'}
      </TableCell>
    </TableRow>
  );
}

/** Registered hosts with their health and how full they are. */
export function HostsTable({ hosts }: { hosts: HostSummary[] }) {
  return (
    <Table size="small" aria-label="Hosts">
      <TableHead>
        <TableRow>
          <TableCell>Host</TableCell>
          <TableCell>Installer</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Capacity</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {hosts.map(host => (
          <Fragment key={host.name}>
            <TableRow>
              <TableCell component="th" scope="row">
                {host.title} ({host.name})
              </TableCell>
              <TableCell>{host.installer}</TableCell>
              <TableCell>
                {host.healthy ? (
                  <StatusOK>Healthy</StatusOK>
                ) : (
                  <StatusError>
                    Unreachable{host.message ? `: ${host.message}` : ''}
                  </StatusError>
                )}
              </TableCell>
              <TableCell>
                <Box minWidth={120}>
                  {host.clusterCount} / {host.maxClusters} clusters
                  <Box mt={0.5} />
                  <LinearProgress
                    variant="determinate"
                    value={Math.min(
                      100,
                      (host.clusterCount / Math.max(1, host.maxClusters)) * 100,
                    )}
                    aria-label={`Capacity of ${host.name}`}
                  />
                </Box>
              </TableCell>
            </TableRow>
            {host.unmanaged?.map(vcluster => (
              <UnmanagedVclusterRow
                key={`${vcluster.namespace}/${vcluster.name}`}
                host={host}
                vcluster={vcluster}
              />
            ))}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}
