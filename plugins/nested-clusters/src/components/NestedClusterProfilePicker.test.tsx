import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useState } from 'react';
import {
  BASE_URL,
  createTestClient,
  errorResponse,
} from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { NestedClusterProfilePicker } from './NestedClusterProfilePicker';

const server = setupServer();
registerMswTestHooks(server);

const profiles = [
  {
    name: 'sandbox',
    title: 'Sandbox (small)',
    kubernetesVersion: 'v1.35.0',
    chartVersion: '0.36.1',
    ttl: '72h',
    maxTtl: '14d',
  },
  {
    name: 'large',
    title: 'Large',
    description: 'For load tests',
    kubernetesVersion: 'v1.34.2',
    chartVersion: '0.36.1',
    ttl: '24h',
    maxTtl: '3d',
  },
];

/** Holds the field's value the way the scaffolder form does. */
function Form(props: { onValue(value: string): void }) {
  const [value, setValue] = useState<string>();
  const fieldProps = {
    formData: value,
    onChange: (next: string) => {
      setValue(next);
      props.onValue(next);
    },
    required: true,
    rawErrors: [],
    schema: { title: 'Profile', description: 'Size and lifetime' },
    uiSchema: {},
    disabled: false,
  };
  // The scaffolder passes many more RJSF props; the field reads only these.
  return (
    <NestedClusterProfilePicker
      {...(fieldProps as unknown as FieldExtensionComponentProps<string>)}
    />
  );
}

function renderField(onValue: (value: string) => void = () => {}) {
  return renderInTestApp(<Form onValue={onValue} />, {
    apis: [[nestedClustersApiRef, createTestClient()]],
  });
}

describe('NestedClusterProfilePicker', () => {
  it("offers the backend's profiles with TTL and Kubernetes version", async () => {
    server.use(
      http.get(`${BASE_URL}/profiles`, () =>
        HttpResponse.json({ items: profiles }),
      ),
    );
    const values: string[] = [];
    renderField(value => values.push(value));

    const sandbox = await screen.findByRole('radio', {
      name: /Sandbox \(small\)/,
    });
    expect(
      screen.getByText(
        'Kubernetes v1.35.0 · expires after 72h (extendable to 14d)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Kubernetes v1.34.2 · expires after 24h (extendable to 3d) · For load tests',
      ),
    ).toBeInTheDocument();
    // With no value yet, the first profile is chosen.
    await waitFor(() => expect(sandbox).toBeChecked());

    await userEvent.click(screen.getByRole('radio', { name: /Large/ }));
    expect(values).toEqual(['sandbox', 'large']);
  });

  it('says so when the backend offers no profiles', async () => {
    server.use(
      http.get(`${BASE_URL}/profiles`, () => HttpResponse.json({ items: [] })),
    );
    renderField();
    expect(
      await screen.findByText(/The nested-clusters backend offers no profiles/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
  });

  it('explains when the profiles cannot be loaded', async () => {
    server.use(
      http.get(`${BASE_URL}/profiles`, () =>
        errorResponse(500, 'Error', 'config missing'),
      ),
    );
    renderField();
    expect(
      await screen.findByText(/Could not load profiles/),
    ).toBeInTheDocument();
    expect(screen.getByText(/config missing/)).toBeInTheDocument();
  });
});
