import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { Notice } from './ClusterActions';
import { HostErrors, NoticeLine } from './ClusterNotices';
import { ClustersTable } from './ClustersTable';
import { useClusters } from './useClusters';

/** The sandbox template, with its `component` parameter pre-filled. */
function sandboxTemplateLink(entityRef: string): string {
  const formData = encodeURIComponent(JSON.stringify({ component: entityRef }));
  return `/create/templates/default/nested-cluster-sandbox?formData=${formData}`;
}

/** The nested clusters of the current component, with their actions. */
export function EntityNestedClustersCard() {
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
          <>
            <Typography paragraph>
              This component has no nested clusters yet.
            </Typography>
            <LinkButton
              to={sandboxTemplateLink(entityRef)}
              color="primary"
              variant="contained"
            >
              Create a sandbox cluster
            </LinkButton>
          </>
        )}
      </>
    );
  }

  // A named region, so assistive technology (and browser tests) find the card.
  return (
    <section aria-label="Nested clusters">
      <InfoCard title="Nested clusters">{content}</InfoCard>
    </section>
  );
}
