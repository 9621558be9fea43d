import { LruMap } from './lru-map';

describe('LruMap', () => {
  it('should never hold more than its capacity, forgetting the key used longest ago', () => {
    const map = new LruMap<string, number>(3);
    for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      map.set(key, index);
    }
    expect(map.size).toBe(3);
    expect([...map.keys()]).toEqual(['c', 'd', 'e']);
    expect(map.peek('a')).toBeUndefined();
    expect(map.peek('e')).toBe(4);
  });

  it('should count setting an existing key as a use, without growing', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.set('a', 10);
    expect(map.size).toBe(3);
    map.set('d', 4);
    // b was used longest ago: a was set again after it.
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
    expect(map.peek('a')).toBe(10);
  });

  it('should stay at its capacity through a flood of a million distinct keys, in time linear in the keys', () => {
    const map = new LruMap<string, number>(1_000);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1_000_000; i++) {
      map.set(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, i);
      if (map.size > 1_000) {
        throw new Error(`size ${map.size} after ${i + 1} keys`);
      }
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(map.size).toBe(1_000);
    // A scan of the map per new key would take 1000 times longer (minutes); O(1) takes well under 5 s.
    expect(ms).toBeLessThan(5_000);
  });

  it('should refuse a capacity that is not a positive integer', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
    expect(() => new LruMap(1.5)).toThrow(RangeError);
  });
});
