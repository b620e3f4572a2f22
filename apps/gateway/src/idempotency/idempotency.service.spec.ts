import { canonicalJson, requestHash } from './idempotency.service.js';

describe('request identity for idempotency', () => {
  it('ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: undefined } })).toBe('{"a":{"y":[1,{"c":3,"d":2}]},"b":1}');
    expect(requestHash('POST', '/v1/x', { a: 1, b: 2 })).toBe(requestHash('POST', '/v1/x', { b: 2, a: 1 }));
  });

  it('differs by method, path and content', () => {
    const base = requestHash('POST', '/v1/x', { a: 1 });
    expect(requestHash('PUT', '/v1/x', { a: 1 })).not.toBe(base);
    expect(requestHash('POST', '/v1/y', { a: 1 })).not.toBe(base);
    expect(requestHash('POST', '/v1/x', { a: '1' })).not.toBe(base);
    expect(requestHash('POST', '/v1/x', null)).not.toBe(base);
  });
});
