import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  AddonStatus,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { ComponentType, ReactNode, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import { EXPIRY_WARNING_MS, formatDuration } from './clusterUtils';

// Static classes rather than Box, which computes its styles per instance:
// a page of rows holds many of these.
const useStyles = makeStyles({
  label: { display: 'inline-flex', alignItems: 'center' },
  running: { whiteSpace: 'normal', maxWidth: 260 },
  provisioning: { width: 120, whiteSpace: 'normal' },
});

/**
 * core-components' Status* hide their children from assistive technology, so
 * they only draw the coloured icon and the text stays readable.
 */
function StatusLabel(props: { icon: ComponentType<{}>; children: ReactNode }) {
  const Icon = props.icon;
  const classes = useStyles();
  return (
    <span className={classes.label}>
      <Icon />
      {props.children}
    </span>
  );
}

/** A status chip in the theme's status colours; Provisioning shows progress, Failed its reason. */
export function ClusterStatus({ cluster }: { cluster: NestedCluster }) {
  const classes = useStyles();
  switch (cluster.status) {
    case 'Running':
      return (
        <div className={classes.running}>
          <StatusLabel icon={StatusOK}>Running</StatusLabel>
          <AddonsStatus addons={cluster.addons} />
        </div>
      );
    case 'Provisioning':
      return <ProvisioningStatus cluster={cluster} />;
    case 'Pausing':
    case 'Resuming':
    case 'Deleting':
      return <StatusLabel icon={StatusRunning}>{cluster.status}</StatusLabel>;
    case 'Paused':
      return <StatusLabel icon={StatusAborted}>Paused</StatusLabel>;
    case 'Failed':
      return (
        <Tooltip title={cluster.statusMessage ?? 'No reason reported'}>
          <span
            // A tooltip trigger must be focusable, or keyboard users never see the reason.
            // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
            tabIndex={0}
          >
            <StatusLabel icon={StatusError}>Failed</StatusLabel>
          </span>
        </Tooltip>
      );
    default:
      return <StatusLabel icon={StatusPending}>{cluster.status}</StatusLabel>;
  }
}

/**
 * Under a running cluster: how many of its add-ons vcluster has deployed, or
 * the first that failed and vcluster's message.
 */
export function AddonsStatus({ addons }: { addons?: AddonStatus[] }) {
  if (!addons?.length) {
    return null;
  }
  const failed = addons.find(a => a.phase === 'Failed');
  if (failed) {
    return (
      <Typography
        variant="caption"
        color="error"
        display="block"
        style={{ overflowWrap: 'anywhere' }}
      >
        add-on {failed.name} failed:{' '}
        {failed.message ?? failed.reason ?? 'no reason reported'}
      </Typography>
    );
  }
  const ready = addons.filter(a => a.phase === 'Success').length;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      display="block"
      title={addons.map(a => `${a.name}: ${a.phase}`).join(', ')}
    >
      add-ons: {ready}/{addons.length} ready
    </Typography>
  );
}

function ProvisioningStatus({ cluster }: { cluster: NestedCluster }) {
  const classes = useStyles();
  const progress = cluster.progress;
  const percent =
    progress && progress.totalSteps > 0
      ? Math.round((progress.completedSteps / progress.totalSteps) * 100)
      : undefined;
  return (
    <div className={classes.provisioning}>
      <StatusLabel icon={StatusRunning}>Provisioning</StatusLabel>
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
    </div>
  );
}

/** Time left before the cluster is deleted; a warning under 24 hours. */
export function ExpiresIn({ expiresAt }: { expiresAt: string }) {
  // Settled lists are not reloaded, so the countdown ticks on its own.
  const [now, setNow] = useState(Date.now);
  useInterval(() => setNow(Date.now()), 60_000);
  const left = new Date(expiresAt).getTime() - now;
  const text = left > 0 ? formatDuration(left) : 'expired';
  // The browser's own tooltip: rows mount faster without a MUI Tooltip each.
  return (
    <span title={new Date(expiresAt).toLocaleString()}>
      {left < EXPIRY_WARNING_MS ? (
        <StatusLabel icon={StatusWarning}>
          {text}
          <Typography variant="srOnly"> (expires soon)</Typography>
        </StatusLabel>
      ) : (
        text
      )}
    </span>
  );
}
