import { parseDuration } from '@nested-clusters/plugin-nested-clusters-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';

const PRESETS = ['24h', '72h'];
const CUSTOM = 'custom';

/**
 * Asks for a time to live. The backend enforces the profile's maxTtl; its
 * refusal (`error`) is shown here so the user can pick a shorter one.
 */
export function ExtendClusterDialog(props: {
  open: boolean;
  name: string;
  busy: boolean;
  error?: string;
  onCancel(): void;
  onConfirm(ttl: string): void;
}) {
  const { open, name, busy, error, onCancel, onConfirm } = props;
  const [choice, setChoice] = useState(PRESETS[0]);
  const [custom, setCustom] = useState('');
  const ttl = choice === CUSTOM ? custom.trim() : choice;
  const valid = parseDuration(ttl) !== undefined;
  const titleId = `extend-${name}-title`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid && !busy) {
      onConfirm(ttl);
    }
  };

  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby={titleId}>
      <form onSubmit={submit}>
        <DialogTitle id={titleId}>Extend nested cluster {name}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Extend the cluster's lifetime by:
          </DialogContentText>
          <RadioGroup
            aria-label="Extend by"
            value={choice}
            onChange={e => setChoice(e.target.value)}
          >
            {PRESETS.map(preset => (
              <FormControlLabel
                key={preset}
                value={preset}
                control={<Radio />}
                label={`+${preset}`}
              />
            ))}
            <FormControlLabel
              value={CUSTOM}
              control={<Radio />}
              label="Custom"
            />
          </RadioGroup>
          {choice === CUSTOM && (
            <TextField
              variant="outlined"
              margin="dense"
              id={`extend-${name}-duration`}
              label="Duration"
              placeholder="e.g. 36h, 5d, 2w"
              value={custom}
              onChange={e => setCustom(e.target.value)}
              error={custom !== '' && !valid}
              helperText="A number followed by m, h, d or w"
            />
          )}
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={!valid || busy}
          >
            Extend
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
