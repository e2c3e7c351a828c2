// The driver guard lets exactly one postgres.js defect pass (a deferred write on a closed connection,
// thrown from a timer) and nothing else. The real error, from a real backend termination, is in
// test/e2e/driver-guard.test.ts; here its recorded shape and look-alikes.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isNullSocketWrite, isUnawaitedClosedWrite } from '../../db/driver-guard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MESSAGE = "Cannot read properties of null (reading 'write')";

/** An error with the given message and stack frames, as V8 prints them. */
function thrown(message: string, frames: string[], type: new (m: string) => Error = TypeError): Error {
  const err = new type(message);
  err.stack = [`${type.name}: ${message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
  return err;
}

/** As postgres.js 3.4.9 threw it when a backend was terminated during a transaction (Node 20). */
const RECORDED = [
  'Immediate.nextWrite (file:///work/main/node_modules/postgres/src/connection.js:255:22)',
  'process.processImmediate (node:internal/timers:483:21)',
];

describe('isNullSocketWrite', () => {
  it('recognises postgres.js writing to a closed connection, from its ESM or CommonJS build', () => {
    expect(isNullSocketWrite(thrown(MESSAGE, RECORDED))).toBe(true);
    expect(isNullSocketWrite(thrown(MESSAGE, ['Immediate.nextWrite (/srv/app/node_modules/postgres/cjs/src/connection.js:255:22)', RECORDED[1]!]))).toBe(true);
    expect(isNullSocketWrite(thrown(MESSAGE, ['Immediate.nextWrite (C:\\app\\node_modules\\postgres\\cjs\\src\\connection.js:255:22)']))).toBe(true);
    expect(isNullSocketWrite(thrown(MESSAGE, ['nextWrite (file:///app/node_modules/postgres/src/connection.js:261:22)']))).toBe(true);
  });

  it('leaves alone the same message from anywhere else, other postgres.js errors and other errors', () => {
    // Our own null dereference, even one called from inside postgres.js.
    expect(isNullSocketWrite(thrown(MESSAGE, ['send (file:///work/main/api/routes/applications.ts:40:11)', ...RECORDED]))).toBe(false);
    expect(isNullSocketWrite(thrown(MESSAGE, ['Immediate.nextWrite (file:///app/node_modules/my-postgres/src/connection.js:255:22)']))).toBe(false);
    expect(isNullSocketWrite(thrown(MESSAGE, ['Immediate.nextWrite (file:///app/node_modules/postgres/src/query.js:255:22)']))).toBe(false);
    // postgres.js's other known crash (fixed in 3.4.7) is not this one.
    const replace = "Cannot read properties of undefined (reading 'replace')";
    expect(isNullSocketWrite(thrown(replace, ['queryError (file:///app/node_modules/postgres/src/connection.js:389:48)']))).toBe(false);
    expect(
      isNullSocketWrite(
        thrown("Cannot read properties of null (reading 'destroy')", ['Timeout.connectTimedOut (file:///app/node_modules/postgres/src/connection.js:263:12)']),
      ),
    ).toBe(false);
    expect(isNullSocketWrite(thrown(MESSAGE, RECORDED, Error))).toBe(false);
    expect(isNullSocketWrite(thrown(MESSAGE, []))).toBe(false);
    const noStack = new TypeError(MESSAGE);
    noStack.stack = undefined;
    expect(isNullSocketWrite(noStack)).toBe(false);
    for (const other of [undefined, null, MESSAGE, { message: MESSAGE, stack: RECORDED.join('\n') }]) expect(isNullSocketWrite(other)).toBe(false);
  });
});

describe('installDriverGuard', () => {
  /** A process with the guard that throws `error` (a JS expression) from a timer, then says it is alive. */
  function runWithGuard(error: string) {
    const script = `
      import { installDriverGuard, onNullSocketWrite } from './db/driver-guard.js';
      installDriverGuard({ warn: (message, err) => console.log('warned: ' + message + ' / ' + err.message) });
      onNullSocketWrite(() => console.log('listener called'));
      const err = ${error};
      setImmediate(() => { throw err; });
      setTimeout(() => console.log('still running'), 100);
    `;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  }

  it('logs the postgres.js defect as a warning, tells its listeners once, and keeps the process running', () => {
    const run = runWithGuard(`Object.assign(new TypeError(${JSON.stringify(MESSAGE)}), { stack: ${JSON.stringify(thrown(MESSAGE, RECORDED).stack)} })`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /warned: postgres\.js wrote to a connection PostgreSQL had already closed .* \/ Cannot read properties of null \(reading 'write'\)/,
    );
    expect(run.stdout.match(/listener called/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/still running/);
  });

  it('exits 1 on any other uncaught error, printing it, as Node does without a listener', () => {
    const run = runWithGuard(`new TypeError(${JSON.stringify(MESSAGE)})`); // the message, but thrown by our code
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TypeError: Cannot read properties of null \(reading 'write'\)/);
    expect(run.stdout).not.toMatch(/warned|listener called|still running/);
  });
});

describe('isUnawaitedClosedWrite', () => {
  /** As postgres.js 3.4.9 rejected its own ROLLBACK when the socket closed first (seen under load, Node 20). */
  const closed = (stack: string[]) => Object.assign(thrown('write CONNECTION_CLOSED 127.0.0.1:5432', stack, Error), { code: 'CONNECTION_CLOSED' });
  const RECORDED_CLOSE = [
    'Socket.closed (file:///tmp/ci/node_modules/postgres/src/connection.js:457:32)',
    'Socket.emit (node:events:524:28)',
    'TCP.<anonymous> (node:net:343:12)',
  ];

  it('recognises postgres.js rejecting the write of a closed connection', () => {
    expect(isUnawaitedClosedWrite(closed(RECORDED_CLOSE))).toBe(true);
    expect(isUnawaitedClosedWrite(closed(['Socket.closed (/srv/app/node_modules/postgres/cjs/src/connection.js:457:32)']))).toBe(true);
  });

  it('leaves alone the same code from elsewhere, other codes and look-alikes', () => {
    expect(isUnawaitedClosedWrite(closed(['send (file:///work/main/api/routes/applications.ts:40:11)', ...RECORDED_CLOSE]))).toBe(false);
    expect(
      isUnawaitedClosedWrite(Object.assign(thrown('write CONNECTION_CLOSED 127.0.0.1:5432', RECORDED_CLOSE, Error), { code: 'CONNECTION_DESTROYED' })),
    ).toBe(false);
    expect(isUnawaitedClosedWrite(Object.assign(thrown('read ECONNRESET', RECORDED_CLOSE, Error), { code: 'CONNECTION_CLOSED' }))).toBe(false);
    expect(isUnawaitedClosedWrite({ code: 'CONNECTION_CLOSED', message: 'write CONNECTION_CLOSED', stack: RECORDED_CLOSE.join('\n') })).toBe(false);
  });
});
