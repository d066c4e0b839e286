/**
 * Process-level safety nets for GainLab's long-lived Node processes (web server, Electron main).
 * A stray rejected promise or exception from one request must never end the process: the
 * researcher's unsaved project, running jobs and other connections live in it. Each one is logged
 * as a single line and the process keeps running.
 */

export interface ProcessGuardOptions {
  /** Names the process in the log line, e.g. 'web server'. */
  label: string;
  log?: (line: string) => void;
  /** Default: the real process (tests pass an EventEmitter). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** The first line of an error's message, with where it was thrown when the stack says. */
export function describeFault(fault: unknown): string {
  if (fault instanceof Error) {
    const where = fault.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();
    const text = `${fault.name}: ${(fault.message.split('\n')[0] ?? '').slice(0, 500)}`;
    return where ? `${text} (${where.slice(0, 200)})` : text;
  }
  return String(fault).split('\n')[0].slice(0, 500);
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const log = options.log ?? ((line: string) => console.error(line));
  const target = options.target ?? process;
  let logging = false;
  const report = (kind: string, fault: unknown) => {
    // a failing log (stdout closed: EPIPE) must not raise another exception into this handler
    if (logging) return;
    logging = true;
    try {
      log(`GainLab ${options.label}: ${kind}, kept running: ${describeFault(fault)}`);
    } catch {
      // nowhere left to report it
    } finally {
      logging = false;
    }
  };
  const onRejection = (reason: unknown) => report('unhandled promise rejection', reason);
  const onException = (error: unknown) => report('uncaught exception', error);
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
