import { Link } from '@backstage/core-components';
import { useAnalytics } from '@backstage/core-plugin-api';
import {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import { ReactNode } from 'react';

/** The fields of a `nested-cluster` search document (see the collator). */
export interface NestedClusterSearchDocument extends SearchDocument {
  host?: string;
  status?: string;
  component?: string;
  owner?: string;
  kubernetesVersion?: string;
}

export interface NestedClusterSearchResultListItemProps {
  icon?: ReactNode;
  result?: SearchDocument;
  highlight?: ResultHighlight;
  rank?: number;
  lineClamp?: number;
}

function highlighted(
  field: 'title' | 'text',
  result: NestedClusterSearchDocument,
  highlight?: ResultHighlight,
) {
  const text = highlight?.fields[field];
  return text ? (
    <HighlightedSearchResultText
      text={text}
      preTag={highlight.preTag}
      postTag={highlight.postTag}
    />
  ) : (
    result[field]
  );
}

/** A search result for a document of type `nested-cluster`. */
export function NestedClusterSearchResultListItem(
  props: NestedClusterSearchResultListItemProps,
) {
  const { highlight, rank, icon, lineClamp = 3 } = props;
  // Documents are untyped at the search boundary; this type is the collator's.
  const result = props.result as NestedClusterSearchDocument | undefined;
  const analytics = useAnalytics();
  if (!result) {
    return null;
  }
  const chips = [
    result.status,
    result.host && `host: ${result.host}`,
    result.kubernetesVersion && `Kubernetes ${result.kubernetesVersion}`,
    result.component && `component: ${result.component}`,
    result.owner && `owner: ${result.owner}`,
  ].filter((chip): chip is string => !!chip);

  return (
    <Box display="flex" alignItems="flex-start" width="100%">
      {icon && <ListItemIcon>{icon}</ListItemIcon>}
      <Box flexGrow={1}>
        <ListItemText
          primaryTypographyProps={{ variant: 'h6' }}
          primary={
            <Link
              noTrack
              to={result.location}
              onClick={() =>
                analytics.captureEvent('discover', result.title, {
                  attributes: { to: result.location },
                  value: rank,
                })
              }
            >
              {highlighted('title', result, highlight)}
            </Link>
          }
          secondary={
            <span
              style={{
                display: '-webkit-box',
                WebkitBoxOrient: 'vertical',
                WebkitLineClamp: lineClamp,
                overflow: 'hidden',
              }}
            >
              {highlighted('text', result, highlight)}
            </span>
          }
        />
        <Box>
          {chips.map(chip => (
            <Chip key={chip} label={chip} size="small" />
          ))}
        </Box>
      </Box>
    </Box>
  );
}
