import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS } from '../../src-shared/ipc/contract.js';
import { BINARY_THRESHOLD_BYTES } from '../../src-shared/ipc/wire.js';
import {
  ConnectionLostError,
  RequestTimeoutError,
  createReconnectingTransport,
  type ConnectionChange,
  type ReconnectOptions,
} from '../../src-renderer/transport/reconnectingTransport.js';
import { FakeSocket, ManualTimers, flushPromises } from './fakes.js';

function setup(options: { queueTimeoutMs?: number; requestTimeoutMs?: ReconnectOptions['requestTimeoutMs'] } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const transport = createReconnectingTransport(
    () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    {
      retryDelaysMs: [100, 1000],
      queueTimeoutMs: options.queueTimeoutMs ?? 5000,
      requestTimeoutMs: options.requestTimeoutMs,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
    },
  );
  const changes: ConnectionChange[] = [];
  transport.onConnectionChange((change) => changes.push(change));
  return { sockets, timers, transport, changes };
}

describe('reconnecting WebSocket transport', () => {
  it('queues calls made before the socket opens and sends them, in order, once it does', async () => {
    const { sockets, transport } = setup();
    const first = transport.invoke(CHANNELS.jobsList, {});
    const second = transport.invoke(CHANNELS.jobsGet, { jobId: 'j1' });
    expect(sockets[0].sent).toEqual([]);
    sockets[0].open();
    expect(sockets[0].sent.map((f) => [f.type, f.channel])).toEqual([
      ['invoke', 'jobs:list'],
      ['invoke', 'jobs:get'],
    ]);
    const [listFrame, getFrame] = sockets[0].sent;
    expect(getFrame.payload).toEqual({ jobId: 'j1' });
    // answers are matched by id, not by order
    sockets[0].receive({ type: 'result', id: getFrame.id, envelope: { ok: false, error: { code: 'not-found', message: 'no job j1' } } });
    sockets[0].receive({ type: 'result', id: listFrame.id, envelope: { ok: true, value: [] } });
    expect(await first).toEqual({ ok: true, value: [] });
    expect(await second).toEqual({ ok: false, error: { code: 'not-found', message: 'no job j1' } });
  });

  it('carries typed arrays through the wire codec', async () => {
    const { sockets, transport } = setup();
    sockets[0].open();
    const gains = new Float64Array([1, 0.5, Math.PI]);
    const answer = transport.invoke(CHANNELS.simulateRun, { network: { networkId: 'net' }, gains });
    const frame = sockets[0].sent[0];
    const sentGains = (frame.payload as { gains: Float64Array }).gains;
    expect(sentGains).toBeInstanceOf(Float64Array);
    expect(Array.from(sentGains)).toEqual([1, 0.5, Math.PI]);
    const output = new Float64Array([0.25, -1e-300, 7]);
    sockets[0].receive({
      type: 'result',
      id: frame.id,
      envelope: { ok: true, value: { channels: 1, nSamples: 3, output, rates: null, error: null, durationMs: 1 } },
    });
    const envelope = await answer;
    expect(envelope.ok).toBe(true);
    if (envelope.ok) expect(Array.from(envelope.value.output)).toEqual([0.25, -1e-300, 7]);
  });

  it('rejects the calls in flight with a clear error when the socket closes, then reconnects with back-off', async () => {
    const { sockets, timers, transport, changes } = setup();
    sockets[0].open();
    const inFlight = transport.invoke(CHANNELS.jobsList, {});
    sockets[0].drop();
    await expect(inFlight).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(inFlight).rejects.toThrow(/closed before "jobs:list" was answered/);
    expect(transport.connectionState()).toBe('reconnecting');

    // nothing happens before the first retry delay
    timers.advance(99);
    expect(sockets).toHaveLength(1);
    timers.advance(1);
    expect(sockets).toHaveLength(2);
    // the second attempt fails too: the next delay is the longer one
    sockets[1].drop();
    timers.advance(999);
    expect(sockets).toHaveLength(2);
    timers.advance(1);
    expect(sockets).toHaveLength(3);

    // a call made while reconnecting waits for the new socket
    const waiting = transport.invoke(CHANNELS.jobsList, {});
    sockets[2].open();
    expect(changes.at(-1)).toEqual({ state: 'open', reconnected: true });
    expect(changes.map((c) => c.state)).toEqual(['open', 'reconnecting', 'open']);
    sockets[2].receive({ type: 'result', id: sockets[2].sent[0].id, envelope: { ok: true, value: [] } });
    expect(await waiting).toEqual({ ok: true, value: [] });
  });

  it('gives up on a queued call after the queue timeout instead of hanging', async () => {
    const { timers, transport } = setup({ queueTimeoutMs: 2000 });
    const call = transport.invoke(CHANNELS.appInfo, {});
    let settled = false;
    call.catch(() => undefined).finally(() => (settled = true));
    timers.advance(1999);
    await flushPromises();
    expect(settled).toBe(false);
    timers.advance(1);
    await expect(call).rejects.toThrow(/Could not reach the GainLab server for "app:info"/);
  });

  it('keeps event listeners across reconnects and stops calling an unsubscribed one', async () => {
    const { sockets, timers, transport } = setup();
    const received: number[] = [];
    const off = transport.on(EVENTS.jobsProgress, (p) => received.push(p.trial));
    sockets[0].open();
    const progress = (trial: number) => ({
      type: 'event',
      channel: 'jobs:progress',
      payload: { jobId: 'j', status: 'running', percent: 1, trial, errors: [], bestError: null },
    });
    sockets[0].receive(progress(1));
    sockets[0].drop();
    timers.advance(100);
    sockets[1].open();
    sockets[1].receive(progress(2));
    // frames for unknown channels and garbage are ignored
    sockets[1].receive({ type: 'event', channel: 'nope', payload: {} });
    off();
    sockets[1].receive(progress(3));
    expect(received).toEqual([1, 2]);
  });

  it('close() rejects pending and queued calls and stops reconnecting', async () => {
    const { sockets, timers, transport } = setup();
    sockets[0].open();
    const pending = transport.invoke(CHANNELS.jobsList, {});
    transport.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(transport.invoke(CHANNELS.jobsList, {})).rejects.toThrow(/closed/);
    timers.advance(10_000);
    expect(sockets).toHaveLength(1);
    expect(transport.connectionState()).toBe('closed');
  });
});

describe('reconnecting transport: wire v2 and timeouts', () => {
  it('asks for binary messages, sends large arrays as binary parts and reads large answers from them', async () => {
    const { sockets, transport } = setup();
    sockets[0].open();
    expect(sockets[0].binaryType).toBe('arraybuffer');
    const gains = new Float64Array(BINARY_THRESHOLD_BYTES / 8).map((_, i) => i * 0.25);
    const answer = transport.invoke(CHANNELS.simulateRun, { network: { networkId: 'net' }, gains });
    // one text frame announcing one part, then the part: the array's bytes, not base64
    expect(sockets[0].sentMessages).toHaveLength(2);
    expect(sockets[0].sentMessages[0]).toMatch(/^\{"type":"invoke","id":1,"channel":"simulate:run","binary":1,/);
    expect((sockets[0].sentMessages[1] as Uint8Array).byteLength).toBe(gains.byteLength);
    const sent = sockets[0].sent[0].payload as { gains: Float64Array };
    expect(Array.from(sent.gains)).toEqual(Array.from(gains));
    const output = new Float64Array(BINARY_THRESHOLD_BYTES / 8).map((_, i) => -i);
    sockets[0].receive({ type: 'result', id: 1, envelope: { ok: true, value: { channels: 1, nSamples: output.length, output, rates: null, error: null, durationMs: 1 } } });
    const envelope = await answer;
    expect(envelope.ok && Array.from(envelope.value.output)).toEqual(Array.from(output));
  });

  it('answers a call whose answer cannot be read with an error envelope naming the channel', async () => {
    const { sockets, transport } = setup();
    sockets[0].open();
    const call = transport.invoke(CHANNELS.jobsList, {});
    sockets[0].receiveRaw('{"type":"result","id":1,"binary":1,"envelope":{"ok":true,"value":{"$bin":0,"type":"f64"}}}');
    sockets[0].receiveRaw(new ArrayBuffer(13));
    expect(await call).toEqual({
      ok: false,
      error: { code: 'internal', message: "GainLab's answer to jobs:list could not be read: binary part 0 has 13 bytes, not a whole number of float64 values." },
    });
  });

  it('refuses a request that cannot be encoded without sending anything', async () => {
    const { sockets, transport } = setup();
    sockets[0].open();
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const envelope = await transport.invoke(CHANNELS.jobsGet, { jobId: deep as string });
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: 'The request jobs:get cannot be sent (nested deeper than 64 levels).' },
    });
    expect(sockets[0].sentMessages).toEqual([]);
    // the transport carries on
    const next = transport.invoke(CHANNELS.jobsList, {});
    sockets[0].receive({ type: 'result', id: sockets[0].sent[0].id, envelope: { ok: true, value: [] } });
    expect(await next).toEqual({ ok: true, value: [] });
  });

  it('rejects a call unanswered after 120 s (by default) naming the channel, and ignores the late answer', async () => {
    const { sockets, timers, transport } = setup();
    sockets[0].open();
    const call = transport.invoke(CHANNELS.projectRecent, {});
    let settled = false;
    call.catch(() => undefined).finally(() => (settled = true));
    timers.advance(119_999);
    await flushPromises();
    expect(settled).toBe(false);
    timers.advance(1);
    await expect(call).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(call).rejects.toThrow('GainLab did not answer project:recent within 120 s. It may still be working; try again in a moment.');
    // the answer that finally comes is dropped; the connection is fine for the next call
    sockets[0].receive({ type: 'result', id: sockets[0].sent[0].id, envelope: { ok: true, value: {} } });
    const next = transport.invoke(CHANNELS.jobsList, {});
    sockets[0].receive({ type: 'result', id: sockets[0].sent[1].id, envelope: { ok: true, value: [] } });
    expect(await next).toEqual({ ok: true, value: [] });
    expect(transport.connectionState()).toBe('open');
    // an answered call leaves no timer behind
    expect(timers.pending).toBe(0);
  });

  it('waits 10 min by default for channels that may work for minutes (opening a large project)', async () => {
    const { sockets, timers, transport } = setup();
    sockets[0].open();
    const call = transport.invoke(CHANNELS.projectOpen, { path: '/tmp/a.gainlab' });
    let settled = false;
    call.catch(() => undefined).finally(() => (settled = true));
    timers.advance(599_999);
    await flushPromises();
    expect(settled).toBe(false);
    timers.advance(1);
    await expect(call).rejects.toThrow('GainLab did not answer project:open within 600 s.');
  });

  it('takes one timeout per channel', async () => {
    const { sockets, timers, transport } = setup({ requestTimeoutMs: (channel) => (channel === 'project:save' ? 600_000 : 2_000) });
    sockets[0].open();
    const save = transport.invoke(CHANNELS.projectSave, {});
    const list = transport.invoke(CHANNELS.jobsList, {});
    timers.advance(2_000);
    await expect(list).rejects.toThrow('GainLab did not answer jobs:list within 2 s.');
    timers.advance(597_999);
    await flushPromises();
    sockets[0].receive({ type: 'result', id: sockets[0].sent[0].id, envelope: { ok: true, value: { path: '/x' } } });
    expect(await save).toEqual({ ok: true, value: { path: '/x' } });
  });
});
