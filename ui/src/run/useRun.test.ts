import { describe, expect, it } from 'vitest';
import { status } from './testing';
import { sameStatus } from './useRun';

describe('a pushed status', () => {
  it('is the same as the one shown when nothing in it differs (our own step echoed back)', () => {
    expect(sameStatus(status({ head: 3 }), status({ head: 3 }))).toBe(true);
  });

  it('differs when another client queued, stepped or moved the clock', () => {
    expect(sameStatus(status({ head: 3 }), status({ head: 4 }))).toBe(false);
    expect(sameStatus(status(), status({ now: '2026-12-05T10:00:00Z' }))).toBe(false);
    expect(sameStatus(status(), status({ event_counts: [{ sticky: 'evt-money-deposited', count: 1 }] }))).toBe(false);
  });
});
