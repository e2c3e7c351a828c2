// A narrow process guard for one known postgres.js 3.4.9 defect, used by the worker and the API.
//
// When PostgreSQL drops a connection (server stopped, backend terminated) while a transaction is
// open, postgres.js's `begin()` sends its own ROLLBACK on the closed connection. The write is
// deferred to a setImmediate, and by then the connection's socket is null:
//
//   TypeError: Cannot read properties of null (reading 'write')
//       at Immediate.nextWrite (…/node_modules/postgres/src/connection.js:255:22)
//       at process.processImmediate (node:internal/timers:483:21)
//
// Thrown from a timer callback, no caller can catch it: the process dies (the fault suite saw the
// worker exit on its own). Upstream: porsager/postgres issues #1066, #1154, #1208 (open).
//
// The same failed write also leaves that pooled connection unable to flush its next writes (its
// write timer is never reset), so every reconnect of it times out (CONNECT_TIMEOUT, 30 s each) for
// minutes. The guard therefore tells its listeners (db/client.ts replaces its pool) after logging.
//
// Anything else that reaches 'uncaughtException' is not ours to judge: it is printed and the
// process exits 1, as Node does without a listener.
import { inspect } from 'node:util';

const NULL_SOCKET_WRITE = "Cannot read properties of null (reading 'write')";
/** The first stack frame: postgres.js's deferred write, from its ESM (src/) or CommonJS (cjs/src/) build. */
const NEXT_WRITE_FRAME = /^\s*at (?:Immediate\.)?nextWrite \((?:file:\/\/)?[^()]*[\\/]postgres[\\/](?:cjs[\\/])?src[\\/]connection\.js:\d+:\d+\)$/;

/** Is `err` postgres.js's deferred write on a connection that has already closed (and nothing else)? */
export function isNullSocketWrite(err: unknown): boolean {
  if (!(err instanceof TypeError) || err.message !== NULL_SOCKET_WRITE || typeof err.stack !== 'string') return false;
  const firstFrame = err.stack.split('\n').find((line) => /^\s*at /.test(line));
  return firstFrame !== undefined && NEXT_WRITE_FRAME.test(firstFrame);
}

/**
 * The same defect at another timing (seen under load): the ROLLBACK postgres.js sent by itself is
 * rejected when the closed socket's 'close' event arrives first — `write CONNECTION_CLOSED`, from
 * its connection.js — and no caller awaits that query, so it surfaces as an unhandled rejection.
 */
export function isUnawaitedClosedWrite(err: unknown): boolean {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== 'CONNECTION_CLOSED' || !/^write CONNECTION_CLOSED\b/.test(err.message)) return false;
  const firstFrame = err.stack?.split('\n').find((line) => /^\s*at /.test(line));
  return firstFrame !== undefined && /[\\/]postgres[\\/](?:cjs[\\/])?src[\\/]connection\.js:\d+:\d+\)?$/.test(firstFrame);
}

type Listener = () => void;
const listeners = new Set<Listener>();
let pending = false;

/**
 * Calls `listener` after the guard has let a null-socket write pass (once per burst: a stopped
 * server can close several transactions in one go). Returns the unsubscribe function.
 */
export function onNullSocketWrite(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function notify(): void {
  if (pending) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    for (const listener of [...listeners]) listener();
  });
}

export interface DriverGuardOptions {
  /** Where the warning goes (the API's logger, the worker's console). */
  warn(message: string, err: Error): void;
}

/**
 * Installs the process-wide 'uncaughtException' listener: the postgres.js null-socket write (or,
 * at the other timing, its unawaited rejection) is logged as a warning and the process keeps
 * running; any other error is printed and exits 1.
 * Returns a function that removes the listener again.
 */
export function installDriverGuard({ warn }: DriverGuardOptions): () => void {
  const listener = (err: Error, origin: NodeJS.UncaughtExceptionOrigin) => {
    if ((origin === 'uncaughtException' && isNullSocketWrite(err)) || (origin === 'unhandledRejection' && isUnawaitedClosedWrite(err))) {
      warn('postgres.js wrote to a connection PostgreSQL had already closed (postgres.js 3.4.9 defect); ignored, the pool is replaced', err);
      notify();
      return;
    }
    process.stderr.write(`${origin === 'unhandledRejection' ? 'Unhandled rejection: ' : ''}${inspect(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', listener);
  return () => void process.off('uncaughtException', listener);
}
