import { HostError } from '@nested-clusters/plugin-nested-clusters-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import { Notice } from './ClusterActions';

/** One warning line per unreachable host; the other hosts' clusters still show. */
export function HostErrors({ hostErrors }: { hostErrors: HostError[] }) {
  return (
    <>
      {hostErrors.map(({ host, message }) => (
        <Box key={host} mb={1}>
          <Alert severity="warning">
            Host {host} is unreachable: {message}
          </Alert>
        </Box>
      ))}
    </>
  );
}

/** The outcome of the last action, until dismissed. */
export function NoticeLine(props: { notice?: Notice; onClose(): void }) {
  if (!props.notice) {
    return null;
  }
  return (
    <Box mb={1}>
      <Alert
        severity={props.notice.severity}
        role={props.notice.severity === 'error' ? 'alert' : 'status'}
        onClose={props.onClose}
      >
        {props.notice.message}
      </Alert>
    </Box>
  );
}
