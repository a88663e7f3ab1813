import { describe, expect, it } from 'vitest';
import { isInTheFuture, isLater } from './time';

describe('isInTheFuture', () => {
  it('is true only for a time still ahead', () => {
    expect(isInTheFuture(new Date(Date.now() + 60_000).toISOString())).toBe(true);
    expect(isInTheFuture(new Date(Date.now() - 60_000).toISOString())).toBe(false);
    expect(isInTheFuture(null)).toBe(false);
    expect(isInTheFuture('not a time')).toBe(false);
  });
});

describe('isLater', () => {
  it('compares API times to the microsecond, which a Date drops', () => {
    expect(isLater('2026-12-07T07:40:00.000002Z', '2026-12-07T07:40:00.000001Z')).toBe(true);
    expect(isLater('2026-12-07T07:40:00.000001Z', '2026-12-07T07:40:00.000002Z')).toBe(false);
    expect(isLater('2026-12-07T07:40:00.000001Z', '2026-12-07T07:40:00.000001Z')).toBe(false);
    expect(isLater('2026-12-07T07:40:01Z', '2026-12-07T07:40:00.999999Z')).toBe(true);
  });
});
