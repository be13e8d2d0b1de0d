import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { FormEvent, useState } from 'react';

/** Deleting loses the cluster's workloads, so the user types its name to confirm. */
export function DeleteClusterDialog(props: {
  open: boolean;
  name: string;
  onCancel(): void;
  onConfirm(): void;
}) {
  const { open, name, onCancel, onConfirm } = props;
  const [typed, setTyped] = useState('');
  const confirmed = typed === name;
  const titleId = `delete-${name}-title`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (confirmed) {
      onConfirm();
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onCancel}
      aria-labelledby={titleId}
      TransitionProps={{ onExited: () => setTyped('') }}
    >
      <form onSubmit={submit}>
        <DialogTitle id={titleId}>Delete nested cluster {name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The cluster and everything running in it are deleted. This cannot be
            undone. Type <strong>{name}</strong> to confirm.
          </DialogContentText>
          <TextField
            fullWidth
            variant="outlined"
            margin="dense"
            id={`delete-${name}-confirm`}
            label="Cluster name"
            value={typed}
            onChange={e => setTyped(e.target.value)}
            inputProps={{ 'aria-label': 'Cluster name to confirm deletion' }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            type="submit"
            color="secondary"
            variant="contained"
            disabled={!confirmed}
          >
            Delete
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
