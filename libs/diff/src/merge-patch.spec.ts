import fc from 'fast-check';
import {
  applyDiffData,
  applyMergePatch,
  composeMergePatches,
  createMergePatch,
  JsonObject,
  mergePatchInPlace,
} from './merge-patch';
import { rtnDataNotices, rtnDataQuotes, rtnDataQuotesOfText } from './messages';

describe('RFC 7396 merge patch', () => {
  // The RFC 7396 appendix A examples.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('apply(%j, %j) = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('does not modify the target', () => {
    const target = { a: { b: 1 }, c: 2 };
    applyMergePatch(target, { a: { b: 2 }, c: null });
    expect(target).toEqual({ a: { b: 1 }, c: 2 });
  });

  it('never pollutes prototypes, whatever the patch', () => {
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":{"__proto__":{"polluted":"yes"}}}',
    ) as unknown;
    const result = applyMergePatch({}, hostile) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(['a']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect((result.a as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies a DIFF transaction in order and drops objects emptied by deletion', () => {
    const snapshot = {
      trade: { u1: { session: { trading_day: '20250328' }, orders: { o1: { status: 'ALIVE' } } } },
    };
    const next = applyDiffData(snapshot, [
      { trade: { u1: { orders: { o1: { status: 'FINISHED' } } } } },
      { trade: { u1: { orders: { o1: null } } } },
    ]);
    expect(next).toEqual({ trade: { u1: { session: { trading_day: '20250328' } } } });
    expect(applyDiffData({ a: { b: { c: 1 } } }, [{ a: { b: { c: null } } }])).toEqual({});
  });

  it('composition equals sequential application (property)', () => {
    const leaf = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 2 }),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
    );
    const key = fc.constantFrom('a', 'b', 'c');
    const patch = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    const doc = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(doc, patch, patch, (target, first, second) => {
        const sequential = applyMergePatch(applyMergePatch(target, first), second);
        const composed = composeMergePatches(first, second).reduce<unknown>(
          (state, p) => applyMergePatch(state, p),
          target,
        );
        expect(composed).toEqual(sequential);
      }),
      { numRuns: 500 },
    );
  });

  it('merging in place equals applyDiffData for object documents and patches (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const leaf = fc.oneof(
      fc.integer(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
    );
    const object = fc.letrec((tie) => ({
      node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { maxKeys: 3 }),
    })).node;
    fc.assert(
      fc.property(object, fc.array(object, { maxLength: 3 }), (target, patches) => {
        const expected = applyDiffData(target, patches);
        const mirror = structuredClone(target) as JsonObject;
        for (const patch of patches) mergePatchInPlace(mirror, patch);
        expect(mirror).toEqual(expected);
      }),
      { numRuns: 500 },
    );
    const target: JsonObject = {};
    mergePatchInPlace(target, JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as JsonObject);
    expect(target).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('composes to one patch where RFC 7396 can express it', () => {
    expect(composeMergePatches({ a: { b: 1 } }, { a: { c: 2 }, d: null })).toEqual([
      { a: { b: 1, c: 2 }, d: null },
    ]);
    expect(composeMergePatches({ a: 1 }, { a: { b: 1 } })).toHaveLength(2);
  });
});

describe('createMergePatch', () => {
  // JSON without nulls inside objects (a merge patch cannot carry a null value).
  const { tree } = fc.letrec((tie) => ({
    tree: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'orders', 'x'), tie('node'), { maxKeys: 4 }),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer(),
      fc.string({ maxLength: 3 }),
      fc.boolean(),
      fc.array(fc.integer(), { maxLength: 3 }),
      tie('tree'),
    ),
  }));

  it('gives a patch that turns previous into next, and none when they are equal', () => {
    fc.assert(
      fc.property(tree, tree, (previous, next) => {
        const patch = createMergePatch(previous, next);
        expect(applyMergePatch(previous, patch ?? {})).toEqual(next);
        expect(createMergePatch(next, structuredClone(next))).toBeUndefined();
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it('sends changed fields only and null for removed keys', () => {
    expect(
      createMergePatch(
        { orders: { o1: { status: 'ALIVE', volume_left: 1 }, o2: { status: 'ALIVE' } }, n: [1] },
        { orders: { o1: { status: 'FINISHED', volume_left: 1 } }, n: [1, 2] },
      ),
    ).toEqual({ orders: { o1: { status: 'FINISHED' }, o2: null }, n: [1, 2] });
  });
});

describe('rtnDataQuotes', () => {
  it('lists the quote patches of an rtn_data message in order and skips malformed parts', () => {
    expect(
      rtnDataQuotes({
        aid: 'rtn_data',
        data: [
          { quotes: { a: { x: 1 }, b: null } },
          null,
          { quotes: [1] },
          { quotes: { a: { x: 2 } } },
        ],
      }),
    ).toEqual([
      ['a', { x: 1 }],
      ['a', { x: 2 }],
    ]);
    expect(rtnDataQuotes({ aid: 'rsp_peek_message', data: [{ quotes: { a: {} } }] })).toEqual([]);
    expect(rtnDataQuotes('rtn_data')).toEqual([]);
    expect(rtnDataQuotesOfText('{not json')).toEqual([]);
    expect(rtnDataQuotesOfText('{"aid":"rtn_data","data":[{"quotes":{"a":{"x":1}}}]}')).toEqual([
      ['a', { x: 1 }],
    ]);
  });
});

describe('rtnDataNotices', () => {
  it('lists the notify texts of an rtn_data message in order and skips malformed parts', () => {
    expect(
      rtnDataNotices({
        aid: 'rtn_data',
        data: [
          { notify: { n1: { content: '登录成功' }, n2: { content: 3 } } },
          null,
          { notify: 'x' },
          { notify: { n3: { content: '下单成功' } } },
        ],
      }),
    ).toEqual(['登录成功', '下单成功']);
    expect(rtnDataNotices({ aid: 'pong', data: [{ notify: { n: { content: 'x' } } }] })).toEqual(
      [],
    );
    expect(rtnDataNotices(null)).toEqual([]);
  });
});
