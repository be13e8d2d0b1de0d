import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  NestedCluster,
  nestedClusterAdminKubeconfigPermission,
  nestedClusterResourceRef,
  nestedClusterUpdatePermission,
  UserKubeconfig,
} from '@nested-clusters/plugin-nested-clusters-common';
import { useState } from 'react';
import { nestedClustersApiRef } from '../api';
import {
  clusterKey,
  errorReason,
  formatDuration,
  kubeconfigFileName,
} from './clusterUtils';

/** The token lifetimes offered; the profile's own (up to 24h) is the default. */
const EXPIRATIONS = ['', '4h', '1h', '10m'];

/** The last kubeconfig issued per cluster in this browser session (never its contents). */
const lastIssued = new Map<
  string,
  Pick<UserKubeconfig, 'serviceAccount' | 'clusterRole' | 'expiresAt'>
>();

/** Saves text as a file through a temporary object URL. */
export function saveFile(text: string, fileName: string) {
  const url = URL.createObjectURL(
    new Blob([text], { type: 'application/yaml' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/**
 * Downloads a kubeconfig of the user's own ServiceAccount inside the
 * cluster, shows when its token expires and offers to download again; also
 * "revoke my access", "revoke all access" for those who may update the
 * cluster, and the admin kubeconfig for those allowed it.
 */
export function KubeconfigDialog(props: {
  open: boolean;
  cluster: NestedCluster;
  onClose(): void;
}) {
  const { open, cluster, onClose } = props;
  const { host, name } = cluster;
  const api = useApi(nestedClustersApiRef);
  const resourceRef = nestedClusterResourceRef(host, name);
  const canRevokeAll = usePermission({
    permission: nestedClusterUpdatePermission,
    resourceRef,
  }).allowed;
  const canAdmin = usePermission({
    permission: nestedClusterAdminKubeconfigPermission,
    resourceRef,
  }).allowed;
  const [expiration, setExpiration] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [issued, setIssued] = useState(lastIssued.get(clusterKey(cluster)));
  const titleId = `kubeconfig-${name}-title`;

  const act = async (work: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const done = await work();
      if (done) {
        setMessage(done);
      }
    } catch (e) {
      setError(errorReason(e));
    } finally {
      setBusy(false);
    }
  };

  const download = () =>
    act(async () => {
      const result = await api.getKubeconfig(host, name, {
        expiration: expiration || undefined,
      });
      saveFile(result.kubeconfig, kubeconfigFileName(cluster));
      const { serviceAccount, clusterRole, expiresAt } = result;
      const summary = { serviceAccount, clusterRole, expiresAt };
      lastIssued.set(clusterKey(cluster), summary);
      setIssued(summary);
    });

  const revoke = (all: boolean) =>
    act(async () => {
      const { revoked } = all
        ? await api.revokeAllAccess(host, name)
        : await api.revokeMyAccess(host, name);
      if (!all || revoked.includes(issued?.serviceAccount ?? '')) {
        lastIssued.delete(clusterKey(cluster));
        setIssued(undefined);
      }
      return revoked.length
        ? `Revoked: ${revoked.join(', ')}`
        : 'There was no access to revoke';
    });

  const downloadAdmin = () =>
    act(async () => {
      saveFile(
        await api.getAdminKubeconfig(host, name),
        `${host}-${name}.admin.kubeconfig.yaml`,
      );
    });

  const expiresAt = issued ? new Date(issued.expiresAt) : undefined;
  const expired = expiresAt ? expiresAt.getTime() <= Date.now() : false;
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Kubeconfig of {name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Your kubeconfig holds a short-lived token of your own ServiceAccount
          inside the cluster. Download a new one when it expires.
        </DialogContentText>
        <TextField
          select
          variant="outlined"
          margin="dense"
          fullWidth
          id={`kubeconfig-${name}-expiration`}
          label="Token expires after"
          value={expiration}
          onChange={e => setExpiration(e.target.value)}
        >
          {EXPIRATIONS.map(value => (
            <MenuItem key={value || 'default'} value={value}>
              {value || "The profile's default"}
            </MenuItem>
          ))}
        </TextField>
        {issued && expiresAt && (
          <Alert severity={expired ? 'warning' : 'info'} role="status">
            {expired ? 'Your token expired' : 'Your token expires'} at{' '}
            {expiresAt.toLocaleString()}
            {expired
              ? ''
              : ` (in ${formatDuration(expiresAt.getTime() - Date.now())})`}
            : ServiceAccount {issued.serviceAccount}, ClusterRole{' '}
            {issued.clusterRole}.
          </Alert>
        )}
        {message && (
          <Alert severity="success" role="status">
            {message}
          </Alert>
        )}
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button disabled={busy} onClick={() => revoke(false)}>
          Revoke my access
        </Button>
        {canRevokeAll && (
          <Button disabled={busy} onClick={() => revoke(true)}>
            Revoke all access
          </Button>
        )}
        {canAdmin && (
          <Button disabled={busy} onClick={downloadAdmin}>
            Admin kubeconfig
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={download}
        >
          {issued ? 'Download again' : 'Download'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
