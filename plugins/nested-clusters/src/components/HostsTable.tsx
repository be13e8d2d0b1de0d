import { StatusError, StatusOK } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { HostSummary } from '@nested-clusters/plugin-nested-clusters-common';

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
          <TableRow key={host.name}>
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
        ))}
      </TableBody>
    </Table>
  );
}
