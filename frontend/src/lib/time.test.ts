import { describe, expect, it } from 'vitest';
import { isInTheFuture } from './time';

describe('isInTheFuture', () => {
  it('is true only for a time still ahead', () => {
    expect(isInTheFuture(new Date(Date.now() + 60_000).toISOString())).toBe(true);
    expect(isInTheFuture(new Date(Date.now() - 60_000).toISOString())).toBe(false);
    expect(isInTheFuture(null)).toBe(false);
    expect(isInTheFuture('not a time')).toBe(false);
  });
});
