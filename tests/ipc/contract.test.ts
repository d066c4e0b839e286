import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNELS, EVENTS, INVOKE_CHANNEL_NAMES, EVENT_CHANNEL_NAMES, ELECTRON_CHANNEL_PREFIX } from '../../src-shared/ipc/channels.js';
import {
  ERROR_CODES,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventContract,
  invokeContract,
  messageForError,
} from '../../src-shared/ipc/contract.js';
import { decodeWire, encodeWire, base64ToBytes, bytesToBase64 } from '../../src-shared/ipc/wire.js';
import { createBridge, PRELOAD_EVENT_ALLOWLIST, PRELOAD_INVOKE_ALLOWLIST } from '../../src-main/preload/bridge.js';

describe('IPC contract', () => {
  it('declares exactly the channel names of channels.ts, each with zod request and response schemas', () => {
    expect([...INVOKE_CHANNELS].sort()).toEqual([...INVOKE_CHANNEL_NAMES].sort());
    expect([...EVENT_CHANNELS].sort()).toEqual([...EVENT_CHANNEL_NAMES].sort());
    for (const channel of INVOKE_CHANNELS) {
      expect(invokeContract[channel].request, channel).toBeInstanceOf(z.ZodType);
      expect(invokeContract[channel].response, channel).toBeInstanceOf(z.ZodType);
    }
    for (const channel of EVENT_CHANNELS) expect(eventContract[channel], channel).toBeInstanceOf(z.ZodType);
    // invoke and event names never overlap
    expect(INVOKE_CHANNELS.filter((c) => (EVENT_CHANNELS as string[]).includes(c))).toEqual([]);
    expect(Object.values(CHANNELS)).toContain('jobs:start-training');
    expect(Object.values(EVENTS)).toContain('jobs:progress');
  });

  it('the preload allowlist equals the contract channels', () => {
    expect([...PRELOAD_INVOKE_ALLOWLIST].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect([...PRELOAD_EVENT_ALLOWLIST].sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('the preload bridge forwards declared channels (prefixed) and rejects undeclared ones', async () => {
    const calls: Array<[string, unknown]> = [];
    const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
    const bridge = createBridge({
      invoke: async (channel, payload) => {
        calls.push([channel, payload]);
        return { ok: true, value: 42 };
      },
      on: (channel, listener) => listeners.set(channel, listener),
      removeListener: (channel) => listeners.delete(channel),
    });
    await expect(bridge.invoke('app:info', {})).resolves.toEqual({ ok: true, value: 42 });
    expect(calls).toEqual([[`${ELECTRON_CHANNEL_PREFIX}app:info`, {}]]);
    await expect(bridge.invoke('fs:readFile', { path: '/etc/passwd' })).rejects.toThrow(/not an IPC channel/);
    await expect(bridge.invoke('jobs:progress', {})).rejects.toThrow(/not an IPC channel/); // an event, not invokable
    expect(calls).toHaveLength(1);
    expect(() => bridge.on('app:info', () => undefined)).toThrow(/not an event channel/);

    const received: unknown[] = [];
    const off = bridge.on('jobs:progress', (payload) => received.push(payload));
    const sender = { sender: 'the IpcRendererEvent must not leak' };
    listeners.get(`${ELECTRON_CHANNEL_PREFIX}jobs:progress`)!(sender, { jobId: 'a' });
    expect(received).toEqual([{ jobId: 'a' }]);
    off();
    expect(listeners.has(`${ELECTRON_CHANNEL_PREFIX}jobs:progress`)).toBe(false);
  });

  it('messageForError gives a sentence for every code', () => {
    for (const code of ERROR_CODES) {
      const text = messageForError(code, 'detail here');
      expect(text).toMatch(/detail here$/);
      expect(text.length).toBeGreaterThan('detail here'.length + 3);
    }
    expect(messageForError('cancelled', '')).toBe('Cancelled.');
  });

  it('the wire codec round-trips typed arrays bit for bit, and non-finite numbers', () => {
    const values = new Float64Array([0, -0, 1e-310, Math.PI, -1.7976931348623157e308, NaN, Infinity]);
    const bytes = new Uint8Array(1000).map((_, i) => (i * 37) & 255);
    const decoded = decodeWire(encodeWire({ values, nested: [{ bytes }], e: -Infinity })) as {
      values: Float64Array;
      nested: [{ bytes: Uint8Array }];
      e: number;
    };
    expect(decoded.values).toBeInstanceOf(Float64Array);
    expect(new Uint8Array(decoded.values.buffer)).toEqual(new Uint8Array(values.buffer));
    expect(decoded.nested[0].bytes).toEqual(bytes);
    expect(decoded.e).toBe(-Infinity);
    // a subarray view encodes only its own elements
    const view = new Float64Array([1, 2, 3, 4]).subarray(1, 3);
    expect(Array.from(decodeWire(encodeWire(view)) as Float64Array)).toEqual([2, 3]);
  });

  it('base64 matches Node for every length mod 3', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100, 101, 102]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 151 + 7) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
  });
});
