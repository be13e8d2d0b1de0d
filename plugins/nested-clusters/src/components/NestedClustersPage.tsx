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
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ListClustersQuery,
  NestedClusterStatus,
} from '@nested-clusters/plugin-nested-clusters-common';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
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

/** Every status, in lifecycle order; typed so that a new status is not forgotten. */
const STATUS_ORDER: Record<NestedClusterStatus, number> = {
  Provisioning: 0,
  Running: 1,
  Pausing: 2,
  Paused: 3,
  Resuming: 4,
  Failed: 5,
  Deleting: 6,
  Unknown: 7,
};
const STATUSES = Object.keys(STATUS_ORDER) as NestedClusterStatus[];

/** Rows per page: the backend filters and pages, so thousands of clusters stay fast. */
const PAGE_SIZES = [25, 50, 100];
/** Typing in the name search asks the backend once the user pauses. */
const SEARCH_DELAY_MS = 300;

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

interface Filters {
  owner: string;
  host: string;
  status: string;
  search: string;
}

/** The list query of the filters: the backend filters, authorizes and pages. */
function queryOf(
  filters: Filters,
  pageSize: number,
  cursor?: string,
): ListClustersQuery {
  const { owner, host, status, search } = filters;
  return {
    // "mine": owned by one of the user's groups, or created by the user.
    mine: owner === MINE ? 'true' : undefined,
    owner: owner === MINE || owner === ALL ? undefined : owner,
    host: host === ALL ? undefined : host,
    status: status === ALL ? undefined : (status as NestedClusterStatus),
    search: search || undefined,
    limit: String(pageSize),
    cursor,
  };
}

function ClustersSection() {
  const api = useApi(nestedClustersApiRef);
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const hosts = useAsync(() => api.listHosts(), [api]);
  const [filters, setFilters] = useState<Filters>({
    owner: MINE,
    host: ALL,
    status: ALL,
    search: '',
  });
  const [searchText, setSearchText] = useState('');
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  // The cursor of each page up to the current one (the first has none).
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const page = cursors.length - 1;
  const { value, loading, error, refresh } = useClusters(
    queryOf(filters, pageSize, cursors[page]),
  );
  const [notice, setNotice] = useState<Notice>();

  /** A new filter starts again at the first page. */
  const filterBy = (change: Partial<Filters>) => {
    setFilters(current => ({ ...current, ...change }));
    setCursors([undefined]);
  };
  useDebounce(
    () => {
      if (searchText.trim() !== filters.search) {
        filterBy({ search: searchText.trim() });
      }
    },
    SEARCH_DELAY_MS,
    [searchText],
  );

  const items = useMemo(() => value?.items ?? [], [value]);
  // The user's groups and the owners on this page; the page cannot know them all.
  const owners = useMemo(
    () =>
      [
        ...new Set([
          ...(identity.value?.ownershipEntityRefs ?? []),
          ...items.map(c => c.owner),
          ...(filters.owner === MINE || filters.owner === ALL
            ? []
            : [filters.owner]),
        ]),
      ].sort(),
    [identity.value, items, filters.owner],
  );

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
          value={filters.owner}
          onChange={owner => filterBy({ owner })}
          options={[
            { value: MINE, label: 'Mine' },
            { value: ALL, label: 'All I can see' },
            ...owners.map(ref => ({
              value: ref,
              label: humanizeEntityRef(parseEntityRef(ref)),
            })),
          ]}
        />
        <Filter
          label="Host"
          value={filters.host}
          onChange={host => filterBy({ host })}
          options={[
            { value: ALL, label: 'All hosts' },
            ...(hosts.value ?? []).map(h => ({ value: h.name, label: h.name })),
          ]}
        />
        <Filter
          label="Status"
          value={filters.status}
          onChange={status => filterBy({ status })}
          options={[
            { value: ALL, label: 'Any status' },
            ...STATUSES.map(s => ({ value: s, label: s })),
          ]}
        />
        <TextField
          id="nested-clusters-filter-name"
          label="Name"
          placeholder="Part of the name"
          value={searchText}
          onChange={e => setSearchText(e.target.value)}
          variant="outlined"
          size="small"
          style={{ minWidth: 180, marginBottom: 16 }}
        />
      </div>
      {/* The last page stays while the next one loads, so nothing jumps.
          Progress shows only after 250 ms: a page that answers sooner gets
          no flash, and no animation competing with its rows for the CPU. */}
      <Box height={4}>{loading && <Progress />}</Box>
      {items.length > 0 ? (
        <>
          <ClustersTable
            clusters={items}
            showOwnership
            onChanged={refresh}
            onNotice={setNotice}
          />
          <TablePagination
            component="div"
            count={value.totalItems ?? items.length}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={PAGE_SIZES}
            onPageChange={(_, next) =>
              setCursors(current =>
                next > page && value.nextCursor
                  ? [...current, value.nextCursor]
                  : current.slice(0, next + 1),
              )
            }
            onRowsPerPageChange={e => {
              setPageSize(Number(e.target.value));
              setCursors([undefined]);
            }}
          />
        </>
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
