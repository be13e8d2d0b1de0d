import { parseEntityRef } from '@backstage/catalog-model';
import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import AddIcon from '@material-ui/icons/Add';
import { createFromTemplateRouteRef, DEFAULT_TEMPLATE_REF } from '../routes';

export interface NewClusterButtonProps {
  /** The template to open, e.g. `template:default/nested-cluster-sandbox`. */
  templateRef?: string;
  /** Entity ref of the component, filled into the template's `component` parameter. */
  component?: string;
}

/** Opens the sandbox template, with the component filled in when there is one. */
export function NewClusterButton(props: NewClusterButtonProps) {
  const templateRoute = useRouteRef(createFromTemplateRouteRef);
  if (!templateRoute) {
    return null;
  }
  const { namespace, name } = parseEntityRef(
    props.templateRef ?? DEFAULT_TEMPLATE_REF,
    { defaultKind: 'template', defaultNamespace: 'default' },
  );
  const path = templateRoute({ namespace, templateName: name });
  const query = props.component
    ? `?formData=${encodeURIComponent(
        JSON.stringify({ component: props.component }),
      )}`
    : '';
  return (
    <LinkButton
      to={`${path}${query}`}
      color="primary"
      variant="contained"
      size="small"
      startIcon={<AddIcon />}
    >
      New cluster
    </LinkButton>
  );
}
