import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  NESTED_CLUSTER_ENTITY_ANNOTATIONS,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { ReactNode, useState } from 'react';
import { ClusterActions, Notice } from './ClusterActions';
import { NoticeLine } from './ClusterNotices';
import { ClusterStatus, ExpiresIn } from './ClusterStatus';
import { ClusterUsage, NextSleep } from './ClusterUsage';
import { errorReason } from './clusterUtils';
import { useCluster } from './useClusters';

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function ClusterFacts({ cluster }: { cluster: NestedCluster }) {
  return (
    <Table size="small" aria-label={`Nested cluster ${cluster.name}`}>
      <TableBody>
        <Fact label="Status">
          <ClusterStatus cluster={cluster} />
          <NextSleep cluster={cluster} />
        </Fact>
        <Fact label="Usage">
          <ClusterUsage cluster={cluster} />
        </Fact>
        <Fact label="Kubernetes">{cluster.kubernetesVersion ?? '—'}</Fact>
        <Fact label="vcluster">{cluster.vclusterVersion ?? '—'}</Fact>
        <Fact label="Host">{cluster.host}</Fact>
        <Fact label="Owner">
          <EntityRefLink entityRef={cluster.owner} />
        </Fact>
        <Fact label="Component">
          {cluster.component ? (
            <EntityRefLink entityRef={cluster.component} />
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Expires in">
          <ExpiresIn expiresAt={cluster.expiresAt} />
        </Fact>
        <Fact label="Profile">{cluster.profile}</Fact>
      </TableBody>
    </Table>
  );
}

/** Why the cluster could not be loaded, in the words of the user's situation. */
function LoadError(props: { host: string; name: string; error: Error }) {
  const { host, name, error } = props;
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  switch (status) {
    case 403:
      return (
        <Alert severity="info">
          You are not allowed to see nested cluster {name}.
        </Alert>
      );
    case 404:
      return (
        <Alert severity="info">
          Nested cluster {name} no longer exists on host {host}.
        </Alert>
      );
    case 503:
      return (
        <Alert severity="warning">
          Host {host} cannot be reached, so the state of {name} is unknown:{' '}
          {errorReason(error)}
        </Alert>
      );
    default:
      return <ResponseErrorPanel error={error} />;
  }
}

function ClusterOverview(props: { host: string; name: string }) {
  const { host, name } = props;
  const { value, loading, error, refresh } = useCluster(host, name);
  const [notice, setNotice] = useState<Notice>();
  if (error) {
    return <LoadError host={host} name={name} error={error} />;
  }
  if (!value) {
    return loading ? <Progress /> : null;
  }
  return (
    <>
      <NoticeLine notice={notice} onClose={() => setNotice(undefined)} />
      <ClusterFacts cluster={value} />
      <Box mt={1} display="flex" flexWrap="wrap">
        <ClusterActions
          cluster={value}
          onChanged={refresh}
          onNotice={setNotice}
        />
      </Box>
    </>
  );
}

/**
 * The overview of one nested cluster, on the page of its Resource entity:
 * status, versions, ownership, expiry and the actions the user may take.
 */
export function EntityNestedClusterOverviewCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const host = annotations[NESTED_CLUSTER_ENTITY_ANNOTATIONS.host];
  const name = annotations[NESTED_CLUSTER_ENTITY_ANNOTATIONS.name];
  return (
    <section aria-label="Nested cluster">
      <InfoCard title={name ? `Nested cluster ${name}` : 'Nested cluster'}>
        {host && name ? (
          <ClusterOverview host={host} name={name} />
        ) : (
          <Typography>
            This entity does not name a nested cluster (annotations{' '}
            {NESTED_CLUSTER_ENTITY_ANNOTATIONS.host} and{' '}
            {NESTED_CLUSTER_ENTITY_ANNOTATIONS.name}).
          </Typography>
        )}
      </InfoCard>
    </section>
  );
}
