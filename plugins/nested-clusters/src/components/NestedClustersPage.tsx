import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { nestedClustersApiRef } from '../api';
import { Notice } from './ClusterActions';
import { HostErrors, NoticeLine } from './ClusterNotices';
import { ClustersTable } from './ClustersTable';
import { HostsTable } from './HostsTable';
import { NewClusterButton } from './NewClusterButton';
import { OwnerUsageTable } from './OwnerUsage';
import { useClusters } from './useClusters';

// Select values; a non-empty value keeps the label above the field.
const ALL = 'all';
const MINE = 'mine';

/** Distinct values, sorted, for a filter's options. */
function optionsOf(
  clusters: NestedCluster[],
  pick: (c: NestedCluster) => string,
) {
  return [...new Set(clusters.map(pick))].sort();
}

function Filter(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  options: { value: string; label: string }[];
}) {
  return (
    <TextField
      select
      id={`nested-clusters-filter-${props.label.toLowerCase()}`}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      variant="outlined"
      size="small"
      style={{ minWidth: 180, marginRight: 16, marginBottom: 16 }}
    >
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

function ClustersSection() {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  // The backend lists what the user may read; "mine" narrows that to
  // clusters owned by, or created by, the signed-in user.
  const { value, loading, error, refresh } = useClusters({});
  const [notice, setNotice] = useState<Notice>();
  const [owner, setOwner] = useState(MINE);
  const [host, setHost] = useState(ALL);
  const [status, setStatus] = useState(ALL);

  const items = useMemo(() => value?.items ?? [], [value]);
  const visible = useMemo(() => {
    const refs = new Set(identity.value?.ownershipEntityRefs ?? []);
    return items.filter(
      c =>
        (owner === ALL ||
          (owner === MINE
            ? refs.has(c.owner) || c.createdBy === identity.value?.userEntityRef
            : c.owner === owner)) &&
        (host === ALL || c.host === host) &&
        (status === ALL || c.status === status),
    );
  }, [items, identity.value, owner, host, status]);

  if (error || identity.error) {
    return <ResponseErrorPanel error={(error ?? identity.error)!} />;
  }
  if (!value || identity.loading) {
    return loading || identity.loading ? <Progress /> : null;
  }
  return (
    <>
      <HostErrors hostErrors={value.hostErrors} />
      <NoticeLine notice={notice} onClose={() => setNotice(undefined)} />
      <div>
        <Filter
          label="Owner"
          value={owner}
          onChange={setOwner}
          options={[
            { value: MINE, label: 'Mine' },
            { value: ALL, label: 'All I can see' },
            ...optionsOf(items, c => c.owner).map(ref => ({
              value: ref,
              label: humanizeEntityRef(parseEntityRef(ref)),
            })),
          ]}
        />
        <Filter
          label="Host"
          value={host}
          onChange={setHost}
          options={[
            { value: ALL, label: 'All hosts' },
            ...optionsOf(items, c => c.host).map(h => ({ value: h, label: h })),
          ]}
        />
        <Filter
          label="Status"
          value={status}
          onChange={setStatus}
          options={[
            { value: ALL, label: 'Any status' },
            ...optionsOf(items, c => c.status).map(s => ({
              value: s,
              label: s,
            })),
          ]}
        />
      </div>
      {visible.length > 0 ? (
        <ClustersTable
          clusters={visible}
          showOwnership
          onChanged={refresh}
          onNotice={setNotice}
        />
      ) : (
        <Typography>No nested clusters match these filters.</Typography>
      )}
    </>
  );
}

function HostsSection() {
  const api = useApi(nestedClustersApiRef);
  const { value, loading, error } = useAsync(() => api.listHosts(), [api]);
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (loading || !value) {
    return <Progress />;
  }
  return <HostsTable hosts={value} />;
}

export interface NestedClustersPageProps {
  /** The template of the "New cluster" action; the example sandbox template by default. */
  templateRef?: string;
}

/** What the page is, in one sentence. */
const PAGE_DESCRIPTION =
  'Virtual Kubernetes clusters (vclusters) that run inside the shared host clusters: yours and the ones you may see, and how busy each host is.';

/** The page body: the user's clusters across hosts, and the hosts themselves. */
export function NestedClustersPageContent(props: NestedClustersPageProps) {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {/* Indented like the cards' content below it. */}
        <Box px={2}>
          <Typography variant="body1">{PAGE_DESCRIPTION}</Typography>
        </Box>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="My nested clusters"
          action={<NewClusterButton templateRef={props.templateRef} />}
        >
          <ClustersSection />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Usage per owner">
          <OwnerUsageTable />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Hosts">
          <HostsSection />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** A full page with header, for the legacy frontend system. */
export function NestedClustersPage(props: NestedClustersPageProps) {
  return (
    <Page themeId="tool">
      <Header
        title="Nested clusters"
        subtitle="Virtual clusters on the shared host clusters"
      />
      <Content>
        <NestedClustersPageContent templateRef={props.templateRef} />
      </Content>
    </Page>
  );
}
