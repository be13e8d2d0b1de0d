import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { EXPIRY_WARNING_MS, formatDuration } from './clusterUtils';

/** A status chip in the theme's status colours; Provisioning shows progress, Failed its reason. */
export function ClusterStatus({ cluster }: { cluster: NestedCluster }) {
  switch (cluster.status) {
    case 'Running':
      return <StatusOK>Running</StatusOK>;
    case 'Provisioning':
      return <ProvisioningStatus cluster={cluster} />;
    case 'Pausing':
    case 'Resuming':
    case 'Deleting':
      return <StatusRunning>{cluster.status}</StatusRunning>;
    case 'Paused':
      return <StatusAborted>Paused</StatusAborted>;
    case 'Failed':
      return (
        <Tooltip title={cluster.statusMessage ?? 'No reason reported'}>
          <span
            // A tooltip trigger must be focusable, or keyboard users never see the reason.
            // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
            tabIndex={0}
            aria-label={`Failed: ${
              cluster.statusMessage ?? 'no reason reported'
            }`}
          >
            <StatusError>Failed</StatusError>
          </span>
        </Tooltip>
      );
    default:
      return <StatusPending>{cluster.status}</StatusPending>;
  }
}

function ProvisioningStatus({ cluster }: { cluster: NestedCluster }) {
  const progress = cluster.progress;
  const percent =
    progress && progress.totalSteps > 0
      ? Math.round((progress.completedSteps / progress.totalSteps) * 100)
      : undefined;
  return (
    <Box minWidth={140}>
      <StatusRunning>Provisioning</StatusRunning>
      <LinearProgress
        variant={percent === undefined ? 'indeterminate' : 'determinate'}
        value={percent}
        aria-label={`Provisioning ${cluster.name}`}
      />
      {progress && (
        <Typography variant="caption" color="textSecondary">
          {progress.step} ({progress.completedSteps}/{progress.totalSteps})
        </Typography>
      )}
    </Box>
  );
}

/** Time left before the cluster is deleted; a warning under 24 hours. */
export function ExpiresIn({
  expiresAt,
  now = Date.now(),
}: {
  expiresAt: string;
  now?: number;
}) {
  const left = new Date(expiresAt).getTime() - now;
  const exact = new Date(expiresAt).toLocaleString();
  if (left <= 0) {
    return (
      <Tooltip title={exact}>
        <span>
          <StatusWarning>expired</StatusWarning>
        </span>
      </Tooltip>
    );
  }
  const text = formatDuration(left);
  return (
    <Tooltip title={exact}>
      <span>
        {left < EXPIRY_WARNING_MS ? (
          <StatusWarning>{text}</StatusWarning>
        ) : (
          text
        )}
      </span>
    </Tooltip>
  );
}
