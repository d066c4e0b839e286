import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installTransport } from '../../src-renderer/stores/api.js';
import { LONG_LOSS_MS, RECONNECTED_NOTICE_MS, useConnectionStore } from '../../src-renderer/stores/connection.js';
import { FakeTransport } from './fakes.js';

describe('connection store (what the banner says)', () => {
  let fake: FakeTransport;
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    fake = new FakeTransport();
    fake.setState('connecting');
    installTransport(fake);
  });
  afterEach(() => vi.useRealTimers());

  it('says "connecting" only after a moment, then follows the transport', () => {
    const store = useConnectionStore();
    store.init();
    expect(store.state).toBe('connecting');
    expect(store.slow).toBe(false);
    vi.advanceTimersByTime(1500);
    expect(store.slow).toBe(true);
    fake.setState('open');
    expect(store.state).toBe('open');
    expect(store.reconnected).toBe(false);
  });

  it('reports a loss, a long loss, and the reconnection for a few seconds', () => {
    const store = useConnectionStore();
    store.init();
    fake.setState('open');
    fake.setState('reconnecting');
    expect(store.state).toBe('reconnecting');
    expect(store.lostLong).toBe(false);
    vi.advanceTimersByTime(LONG_LOSS_MS);
    expect(store.lostLong).toBe(true);
    fake.setState('open', true);
    expect(store.state).toBe('open');
    expect(store.lostLong).toBe(false);
    expect(store.reconnected).toBe(true);
    vi.advanceTimersByTime(RECONNECTED_NOTICE_MS - 1);
    expect(store.reconnected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(store.reconnected).toBe(false);
  });

  it('a short loss never turns into a long one, and a new loss hides the reconnected notice', () => {
    const store = useConnectionStore();
    store.init();
    fake.setState('open');
    fake.setState('reconnecting');
    vi.advanceTimersByTime(LONG_LOSS_MS / 2);
    fake.setState('open', true);
    vi.advanceTimersByTime(LONG_LOSS_MS);
    expect(store.lostLong).toBe(false);
    fake.setState('open', true);
    fake.setState('reconnecting');
    expect(store.reconnected).toBe(false);
  });
});
