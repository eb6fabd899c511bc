// The bounded cache of chain nodes and compiled templates (lib/cache.ts): a fixed number of entries
// whatever is asked of it, what is in use kept, what is not dropped, each value made once while held.
import { expect } from 'chai';
import { BoundedCache } from '../lib/cache.js';

describe('BoundedCache', () => {
  const counting = (capacity: number) => {
    const made: string[] = [];
    const cache = new BoundedCache<string, { key: string }>(capacity);
    const get = (key: string) => cache.get(key, () => {
      made.push(key);
      return { key };
    });
    return { cache, made, get };
  };

  it('never holds more than its capacity, however many keys it is asked for', () => {
    for (const capacity of [2, 3, 10, 1024]) {
      const { cache, get } = counting(capacity);
      for (let i = 0; i < capacity * 5; i += 1) {
        get(`k${i}`);
        expect(cache.size).to.be.at.most(capacity);
      }
    }
  });

  it('makes a value once and hands the same one back while it is held', () => {
    const { made, get } = counting(8);
    const first = get('a');
    expect(get('a')).to.equal(first);
    expect(made).to.deep.equal(['a']);
  });

  it('keeps an entry that is used while others come and go; drops one untouched for a generation', () => {
    const { made, get } = counting(8);
    get('hot');
    get('cold');
    for (let i = 0; i < 40; i += 1) {
      get(`k${i}`);
      get('hot');
    }
    expect(made.filter((key) => key === 'hot')).to.have.length(1);
    get('cold');
    expect(made.filter((key) => key === 'cold')).to.have.length(2);
  });

  it('holds an undefined value as a value, not as a miss', () => {
    const cache = new BoundedCache<string, undefined>(4);
    let made = 0;
    cache.get('x', () => (made += 1, undefined));
    cache.get('x', () => (made += 1, undefined));
    expect(made).to.equal(1);
  });

  it('refuses a capacity under 2', () => {
    expect(() => new BoundedCache(1)).to.throw(RangeError);
    expect(() => new BoundedCache(2.5)).to.throw(RangeError);
  });
});
