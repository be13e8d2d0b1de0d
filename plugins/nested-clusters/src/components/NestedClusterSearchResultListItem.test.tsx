import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { NestedClusterSearchResultListItem } from './NestedClusterSearchResultListItem';

describe('NestedClusterSearchResultListItem', () => {
  const result = {
    title: 'web-dev',
    text: 'Nested cluster of web-shop on the simulated host',
    location: '/catalog/default/component/web-shop',
    host: 'simulated',
    status: 'Running',
    component: 'component:default/web-shop',
    owner: 'group:default/team-a',
    kubernetesVersion: 'v1.35.0',
  };

  it('links to the document and shows its cluster facts', async () => {
    await renderInTestApp(
      <NestedClusterSearchResultListItem result={result} />,
    );
    expect(screen.getByRole('link', { name: 'web-dev' })).toHaveAttribute(
      'href',
      '/catalog/default/component/web-shop',
    );
    expect(screen.getByText(result.text)).toBeInTheDocument();
    for (const chip of [
      'Running',
      'host: simulated',
      'Kubernetes v1.35.0',
      'component: component:default/web-shop',
      'owner: group:default/team-a',
    ]) {
      expect(screen.getByText(chip)).toBeInTheDocument();
    }
  });

  it('highlights the matched terms', async () => {
    await renderInTestApp(
      <NestedClusterSearchResultListItem
        result={result}
        highlight={{
          preTag: '<em>',
          postTag: '</em>',
          fields: { title: '<em>web</em>-dev' },
        }}
      />,
    );
    expect(screen.getByText('web').tagName).toBe('MARK');
  });
});
