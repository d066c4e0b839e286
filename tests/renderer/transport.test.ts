import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS } from '../../src-shared/ipc/contract.js';
import { ConnectionLostError, createReconnectingTransport, type ConnectionChange } from '../../src-renderer/transport/reconnectingTransport.js';
import { FakeSocket, ManualTimers, flushPromises } from './fakes.js';

function setup(options: { queueTimeoutMs?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const transport = createReconnectingTransport(
    () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    { retryDelaysMs: [100, 1000], queueTimeoutMs: options.queueTimeoutMs ?? 5000, setTimer: timers.setTimer, clearTimer: timers.clearTimer },
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
