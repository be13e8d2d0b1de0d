import { parse } from 'yaml';
import { rewriteKubeconfig } from './kubeconfig';

const source = `
apiVersion: v1
kind: Config
clusters:
  - name: my-vcluster
    cluster:
      server: https://localhost:8443
      certificate-authority-data: Q0EtREFUQQ==
users:
  - name: my-vcluster
    user:
      token: nested-token
contexts:
  - name: my-vcluster
    context: { cluster: my-vcluster, user: my-vcluster }
current-context: my-vcluster
`;

describe('rewriteKubeconfig', () => {
  it('points the server at the exposure and names everything <host>-<name>', () => {
    const doc = parse(
      rewriteKubeconfig(source, {
        contextName: 'simulated-demo',
        server: 'https://demo.vc.example.com',
      }),
    );
    expect(doc).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'simulated-demo',
          cluster: {
            server: 'https://demo.vc.example.com',
            'certificate-authority-data': 'Q0EtREFUQQ==',
          },
        },
      ],
      users: [{ name: 'simulated-demo', user: { token: 'nested-token' } }],
      contexts: [
        {
          name: 'simulated-demo',
          context: { cluster: 'simulated-demo', user: 'simulated-demo' },
        },
      ],
      'current-context': 'simulated-demo',
      preferences: {},
    });
  });

  it('refuses broken input without echoing it', () => {
    expect(() =>
      rewriteKubeconfig('token: nested-token\n  - : [', {
        contextName: 'x',
        server: 'https://x',
      }),
    ).toThrow(/^((?!nested-token).)*$/);
    expect(() =>
      rewriteKubeconfig('clusters: []', {
        contextName: 'x',
        server: 'https://x',
      }),
    ).toThrow('the kubeconfig secret has no cluster or user');
  });
});
