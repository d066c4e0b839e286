/**
 * The stores' door to main: the installed transport, and `call()` which invokes a channel and
 * turns every failure into a toast. Error envelopes are shown with messageForError (the contract's
 * wording); a lost connection (a rejected promise) is shown with its own sentence.
 */
import {
  messageForError,
  type ErrorInfo,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
} from '../../src-shared/ipc/contract.js';
import type { AppTransport } from '../transport/reconnectingTransport.js';
import { useNotificationsStore } from './notifications.js';

let installed: AppTransport | null = null;

export function installTransport(transport: AppTransport): void {
  installed = transport;
}

export function transport(): AppTransport {
  if (!installed) throw new Error('GainLab: no transport installed (call installTransport first)');
  return installed;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo | null; text: string };

export interface CallOptions {
  /** Do not toast errors (the caller shows them in place, or an absent feature is expected). */
  quiet?: boolean;
}

/** Invoke a channel; never throws. Failures are toasted unless `quiet`. */
export async function call<C extends InvokeChannel>(
  channel: C,
  request: RequestOf<C>,
  options: CallOptions = {},
): Promise<CallResult<ResponseOf<C>>> {
  let result: CallResult<ResponseOf<C>>;
  try {
    const envelope = await transport().invoke(channel, request);
    if (envelope.ok) return { ok: true, value: envelope.value };
    result = { ok: false, error: envelope.error, text: messageForError(envelope.error.code, envelope.error.message) };
  } catch (error) {
    const text = error instanceof Error && error.message ? error.message : `The request "${channel}" failed.`;
    result = { ok: false, error: null, text };
  }
  if (!options.quiet) useNotificationsStore().error(result.text);
  return result;
}
