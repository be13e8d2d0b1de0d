import { useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import Typography from '@material-ui/core/Typography';
import {
  formatResources,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { formatDuration } from './clusterUtils';

/** Hours with at most one decimal, e.g. `12.5h`. */
export function formatHours(hours: number): string {
  return `${Math.round(hours * 10) / 10}h`;
}

/**
 * What the cluster's pods request on the host now, compactly, with its
 * synced pods and the hours running against paused of the last 7 days.
 */
export function ClusterUsage({ cluster }: { cluster: NestedCluster }) {
  const { usage, hours } = cluster;
  if (!usage) {
    return <>—</>;
  }
  // The browser's own tooltip (title), as for every per-row hint: a MUI
  // Tooltip per cell made a page of new rows slower to mount.
  return (
    <span title="Requested on the host by the control plane and the cluster's pods; hours running / paused in the last 7 days">
      {formatResources(usage)}
      <Typography variant="caption" color="textSecondary" display="block">
        {usage.pods} pod{usage.pods === 1 ? '' : 's'}
        {hours &&
          ` · ${formatHours(hours.running)} up / ${formatHours(
            hours.paused,
          )} paused (7d)`}
      </Typography>
    </span>
  );
}

/** The sleep schedule's next event: "sleeps in 3h 20m" or "wakes in 9h". */
export function NextSleep({
  cluster,
  now,
}: {
  cluster: NestedCluster;
  now?: number;
}) {
  // Rows are not rendered again while their cluster is unchanged, so the countdown ticks on its own.
  const [tick, setTick] = useState(Date.now);
  useInterval(() => setTick(Date.now()), 60_000);
  const next = cluster.sleep?.next;
  if (!next) {
    return null;
  }
  const at = new Date(next.at);
  const verb = next.action === 'sleep' ? 'sleeps' : 'wakes';
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      display="block"
      title={`${at.toLocaleString()} (schedule ${
        cluster.sleep!.schedule
      }, wake-up ${cluster.sleep!.wakeup}, ${cluster.sleep!.timezone})`}
    >
      {verb} in {formatDuration(at.getTime() - (now ?? tick))}
    </Typography>
  );
}
