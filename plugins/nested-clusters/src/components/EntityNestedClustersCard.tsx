import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { Notice } from './ClusterActions';
import { HostErrors, NoticeLine } from './ClusterNotices';
import { ClustersTable } from './ClustersTable';
import { NewClusterButton } from './NewClusterButton';
import { useClusters } from './useClusters';

export interface EntityNestedClustersCardProps {
  /** The template of the "New cluster" action; the example sandbox template by default. */
  templateRef?: string;
}

/** The nested clusters of the current component, with their actions. */
export function EntityNestedClustersCard(props: EntityNestedClustersCardProps) {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, refresh } = useClusters({ entityRef });
  const [notice, setNotice] = useState<Notice>();

  let content;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = loading ? <Progress /> : null;
  } else {
    content = (
      <>
        <HostErrors hostErrors={value.hostErrors} />
        <NoticeLine notice={notice} onClose={() => setNotice(undefined)} />
        {value.items.length > 0 ? (
          <ClustersTable
            clusters={value.items}
            onChanged={refresh}
            onNotice={setNotice}
          />
        ) : (
          <Typography>
            This component has no nested clusters yet: create one with New
            cluster.
          </Typography>
        )}
      </>
    );
  }

  // A named region, so assistive technology (and browser tests) find the card.
  return (
    <section aria-label="Nested clusters">
      <InfoCard
        title="Nested clusters"
        action={
          <NewClusterButton
            templateRef={props.templateRef}
            component={entityRef}
          />
        }
      >
        {content}
      </InfoCard>
    </section>
  );
}
