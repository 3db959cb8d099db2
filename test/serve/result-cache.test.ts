// The result cache keeps the most recently used answers within its byte budget and never keeps an oversized one.
import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../src/serve/result-cache.ts';

const answer = (body: string) => ({
  body: Buffer.from(body),
  etag: '"e"',
  mediaType: 'text/csv',
  truncated: false,
  rows: 1,
});

describe('ResultCache', () => {
  it('evicts the least recently used entries beyond its budget', () => {
    const cache = new ResultCache(25, 20);
    cache.set('a', answer('x'.repeat(9)));
    cache.set('b', answer('y'.repeat(9)));
    expect(cache.get('a')?.body.toString()).toBe('x'.repeat(9));
    cache.set('c', answer('z'.repeat(9)));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('does not keep an answer larger than one entry may be', () => {
    const cache = new ResultCache(100, 10);
    cache.set('big', answer('x'.repeat(50)));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
