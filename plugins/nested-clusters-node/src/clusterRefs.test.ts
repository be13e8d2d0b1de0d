import { clusterEntityName } from './clusterRefs';

/** Backstage's rule for entity names (catalog-model). */
const ENTITY_NAME = /^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/;

describe('clusterEntityName', () => {
  it('is <host>.<name>', () => {
    expect(clusterEntityName({ host: 'dev-eu', name: 'web' })).toBe(
      'dev-eu.web',
    );
  });

  it('tells eu + west-x from eu-west + x', () => {
    expect(clusterEntityName({ host: 'eu', name: 'west-x' })).not.toBe(
      clusterEntityName({ host: 'eu-west', name: 'x' }),
    );
    // Also when both are long enough to be shortened and hashed.
    const long = 'x'.repeat(30);
    expect(clusterEntityName({ host: 'eu', name: `west-${long}` })).not.toBe(
      clusterEntityName({ host: 'eu-west', name: long }),
    );
  });

  it('stays a valid, distinct entity name for the longest host and cluster names', () => {
    const host = 'h'.repeat(40);
    const a = clusterEntityName({ host, name: `${'n'.repeat(39)}a` });
    const b = clusterEntityName({ host, name: `${'n'.repeat(39)}b` });
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(ENTITY_NAME);
    }
    expect(a).not.toBe(b);
  });

  it('never repeats "-", which DNS labels allow and entity names do not', () => {
    const a = clusterEntityName({ host: 'eu', name: 'a--b' });
    expect(a).toMatch(ENTITY_NAME);
    expect(a).not.toBe(clusterEntityName({ host: 'eu', name: 'a-b' }));
    const cut = clusterEntityName({
      host: 'h'.repeat(40),
      name: `${'n'.repeat(12)}-${'m'.repeat(20)}`,
    });
    expect(cut).toMatch(ENTITY_NAME);
  });
});
