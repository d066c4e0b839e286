// A WebSocket client on its own thread (worker_threads) that sends `rate` invoke frames per second
// for `durationMs`, then waits up to `drainMs` for the answers. It runs apart from the server's
// event loop so the latencies it measures are the server's, not the test's.
// workerData: { url, origin, channel, payload, rate, durationMs, drainMs }
// posts: { sent, answered, errors, latenciesMs: Float64Array, elapsedMs }
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const { url, origin, channel, payload, rate, durationMs, drainMs } = workerData;
const socket = new WebSocket(url, { origin });
const sentAt = new Float64Array(Math.ceil((rate * durationMs) / 1000) + 1);
const latencies = [];
let sent = 0;
let answered = 0;
let errors = 0;
const payloadJson = JSON.stringify(payload);

socket.on('message', (data, isBinary) => {
  if (isBinary) return; // binary parts of an answer: its text frame was already counted
  const text = data.toString();
  // our server writes every result as {"type":"result","id":N,...}: no need to parse the rest
  const match = /^\{"type":"result","id":(\d+)/.exec(text.slice(0, 64));
  if (!match) return;
  const id = Number(match[1]);
  latencies.push(performance.now() - sentAt[id]);
  answered++;
  if (!text.includes('"ok":true')) errors++;
});

socket.on('open', () => {
  const start = performance.now();
  const total = sentAt.length - 1;
  const tick = setInterval(() => {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
    while (sent < due) {
      const id = ++sent;
      sentAt[id] = performance.now();
      socket.send(`{"type":"invoke","id":${id},"channel":${JSON.stringify(channel)},"payload":${payloadJson}}`);
    }
    if (sent >= total) {
      clearInterval(tick);
      const deadline = performance.now() + drainMs;
      const wait = setInterval(() => {
        if (answered >= sent || performance.now() > deadline) {
          clearInterval(wait);
          parentPort.postMessage({ sent, answered, errors, latenciesMs: Float64Array.from(latencies), elapsedMs: performance.now() - start });
          socket.terminate();
        }
      }, 5);
    }
  }, 1);
});
socket.on('error', (error) => parentPort.postMessage({ error: String(error) }));
// dropped by the server: report what was answered until then instead of waiting for the drain
socket.on('close', () => parentPort.postMessage({ sent, answered, errors, latenciesMs: Float64Array.from(latencies), elapsedMs: 0, closedEarly: answered < sent }));
