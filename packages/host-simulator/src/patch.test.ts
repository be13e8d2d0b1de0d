import { applyPatch, jsonPatch, mergePatch, patchTypeOf } from './patch';

describe('patches', () => {
  it('merge patch follows RFC 7386', () => {
    expect(
      mergePatch(
        { a: { b: 1, c: 2 }, d: [1, 2] },
        { a: { b: null, e: 3 }, d: [3] },
      ),
    ).toEqual({ a: { c: 2, e: 3 }, d: [3] });
  });

  it('JSON patch follows RFC 6902', () => {
    const doc = { a: [1, 2], b: { 'x/y': 1 } };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'remove', path: '/a/0' },
        { op: 'replace', path: '/b/x~1y', value: 2 },
        { op: 'copy', from: '/b', path: '/c' },
        { op: 'move', from: '/c', path: '/d' },
        { op: 'test', path: '/d/x~1y', value: 2 },
      ]),
    ).toEqual({ a: [2, 3], b: { 'x/y': 2 }, d: { 'x/y': 2 } });
    expect(doc.a).toEqual([1, 2]);
    expect(() =>
      jsonPatch(doc, [{ op: 'replace', path: '/missing/x', value: 1 }]),
    ).toThrow(expect.objectContaining({ code: 422 }));
  });

  it('strategic merge drops directives and merges', () => {
    expect(
      applyPatch('strategic', { a: 1, l: [1] }, { $retainKeys: ['a'], l: [2] }),
    ).toEqual({ a: 1, l: [2] });
  });

  it('maps content types and refuses unknown ones with 415', () => {
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe(
      'merge',
    );
    expect(() => patchTypeOf('text/plain')).toThrow(
      expect.objectContaining({ code: 415 }),
    );
  });
});
