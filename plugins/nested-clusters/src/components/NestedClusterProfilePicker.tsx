import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import { ProfileSummary } from '@nested-clusters/plugin-nested-clusters-common';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { nestedClustersApiRef } from '../api';

/** The `ui:field` name templates use. */
export const NESTED_CLUSTER_PROFILE_PICKER = 'NestedClusterProfilePicker';

function ProfileLabel({ profile }: { profile: ProfileSummary }) {
  return (
    <>
      <Typography component="span">{profile.title}</Typography>
      <Typography
        component="span"
        variant="body2"
        color="textSecondary"
        display="block"
      >
        Kubernetes {profile.kubernetesVersion} · expires after {profile.ttl}{' '}
        (extendable to {profile.maxTtl})
        {profile.description ? ` · ${profile.description}` : ''}
      </Typography>
      {profile.addons?.length ? (
        <Typography
          component="span"
          variant="body2"
          color="textSecondary"
          display="block"
        >
          Add-ons:{' '}
          {profile.addons
            .map(a =>
              a.chart ? `${a.name} (chart ${a.chart.version})` : a.name,
            )
            .join(', ')}
        </Typography>
      ) : null}
    </>
  );
}

/**
 * Scaffolder field offering the backend's cluster profiles. Its value is the
 * profile name; with no value yet, the first profile is chosen.
 */
export function NestedClusterProfilePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, required, rawErrors, schema, disabled } = props;
  const api = useApi(nestedClustersApiRef);
  const {
    value: profiles,
    loading,
    error,
  } = useAsync(() => api.listProfiles(), [api]);

  useEffect(() => {
    if (!formData && profiles?.length) {
      onChange(profiles[0].name);
    }
  }, [formData, profiles, onChange]);

  if (error) {
    return <ResponseErrorPanel error={error} title="Could not load profiles" />;
  }
  if (loading || !profiles) {
    return <Progress />;
  }
  const label = schema.title ?? 'Profile';
  if (profiles.length === 0) {
    return (
      <FormControl error margin="normal">
        <FormLabel>{label}</FormLabel>
        <FormHelperText>
          The nested-clusters backend offers no profiles; the platform team
          configures them under nestedClusters.profiles.
        </FormHelperText>
      </FormControl>
    );
  }
  return (
    <FormControl
      component="fieldset"
      required={required}
      error={!!rawErrors?.length}
      disabled={disabled}
      margin="normal"
    >
      <FormLabel component="legend">{label}</FormLabel>
      <RadioGroup
        aria-label={label}
        value={formData ?? ''}
        onChange={e => onChange(e.target.value)}
      >
        {profiles.map(profile => (
          <FormControlLabel
            key={profile.name}
            value={profile.name}
            control={<Radio />}
            label={<ProfileLabel profile={profile} />}
          />
        ))}
      </RadioGroup>
      {schema.description && (
        <FormHelperText>{schema.description}</FormHelperText>
      )}
    </FormControl>
  );
}
