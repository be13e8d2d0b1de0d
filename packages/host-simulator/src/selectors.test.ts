import { KubeObject } from './model';
import { parseFieldSelector, parseLabelSelector } from './selectors';

const obj = (
  labels: Record<string, string>,
  name = 'n',
  namespace = 'ns',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  status: { phase: 'Running' },
});

describe('label selectors', () => {
  it.each([
    ['a=1', { a: '1' }, true],
    ['a==1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a in (1, 2)', { a: '2' }, true],
    ['a notin (1,2)', { a: '3' }, true],
    ['a notin (1,2)', {}, true],
    ['a', { a: '' }, true],
    ['!a', { a: 'x' }, false],
    ['a=1,b in (x,y),!c', { a: '1', b: 'y' }, true],
    ['', { a: '1' }, true],
  ])('%s matches %j: %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(obj(labels))).toBe(expected);
  });

  it('rejects malformed selectors with a 400', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});

describe('field selectors', () => {
  it('supports metadata.name/namespace and type-specific fields only', () => {
    expect(
      parseFieldSelector(
        'metadata.name=n,metadata.namespace!=other',
        '/pods',
        'pods',
      )(obj({})),
    ).toBe(true);
    expect(
      parseFieldSelector('status.phase=Running', '/pods', 'pods')(obj({})),
    ).toBe(true);
    expect(() =>
      parseFieldSelector('status.phase=Running', '/configmaps', 'configmaps'),
    ).toThrow(expect.objectContaining({ code: 400 }));
  });
});
