// Which errors mean "a dependency is down, retry later" (503) rather than a bug (500) or a refusal (4xx).
// The Temporal and PostgreSQL errors are real: clients pointed at a closed port fail at once.
import { Client, Connection, ServiceError, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import Fastify from 'fastify';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { conflict, installErrorHandling, unavailableDependency } from '../../api/errors.js';

const CLOSED = '127.0.0.1:1';

/** The shape of a @grpc/grpc-js ServiceError (code, details, metadata). */
const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
const pgError = (code: string, message: string) => Object.assign(new postgres.PostgresError(message), { code });

async function failure(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error('expected the action to fail');
}

describe('unavailableDependency', () => {
  // No retries, so the refused connection surfaces at once.
  const connection = Connection.lazy({ address: CLOSED, interceptors: [] });
  const temporal = new Client({ connection });
  const pg = postgres(`postgres://postgres@${CLOSED}/none`, { max: 1, onnotice: () => {} });
  afterAll(async () => {
    await connection.close();
    await pg.end({ timeout: 1 });
  });

  it('recognises Temporal that cannot be reached (ServiceError caused by gRPC UNAVAILABLE)', async () => {
    const started = await failure(() => temporal.workflow.start('applicationWorkflow', { taskQueue: 'q', workflowId: 'w' }));
    expect(started).toBeInstanceOf(ServiceError);
    expect(unavailableDependency(started)).toBe('temporal');
    const queried = await failure(() => temporal.workflow.getHandle('w').query('applicationState'));
    expect(unavailableDependency(queried)).toBe('temporal');
  });

  it('recognises a Temporal call that ran out of time (DEADLINE_EXCEEDED or the server’s CANCELLED, also inside an update timeout)', () => {
    const deadline = grpcError(4, 'Deadline exceeded');
    expect(unavailableDependency(new ServiceError('Failed to query Workflow', { cause: deadline }))).toBe('temporal');
    expect(unavailableDependency(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout', { cause: deadline }))).toBe('temporal');
    expect(unavailableDependency(grpcError(14, 'No connection established'))).toBe('temporal');
    // The server ends a call at its deadline with RST_STREAM CANCEL, a moment before the client's timer.
    expect(unavailableDependency(new ServiceError('Failed to query Workflow', { cause: grpcError(1, 'Call cancelled') }))).toBe('temporal');
  });

  it('recognises a query no worker can take (FAILED_PRECONDITION "no poller seen", just after a worker died), and only that one', () => {
    const noWorker = grpcError(9, 'no poller seen for task queue recently, worker may be down');
    expect(unavailableDependency(new ServiceError('Failed to query Workflow', { cause: noWorker }))).toBe('temporal');
    expect(unavailableDependency(grpcError(9, 'Workflow is not running'))).toBeUndefined();
  });

  it('recognises Temporal that is overloaded (RESOURCE_EXHAUSTED, seen after an outage)', () => {
    const full = grpcError(8, 'consistent query buffer is full, this may be caused by too many queries and workflow not able to process query fast enough');
    expect(unavailableDependency(new ServiceError('Failed to query Workflow', { cause: full }))).toBe('temporal');
  });

  it('recognises PostgreSQL that refuses connections, also wrapped by drizzle', async () => {
    const raw = await failure(() => pg`select 1`);
    expect(unavailableDependency(raw)).toBe('database');
    const wrapped = await failure(() => drizzle(pg).execute(sql`select 1`));
    expect((wrapped as Error).constructor.name).toBe('DrizzleQueryError');
    expect(unavailableDependency(wrapped)).toBe('database');
  });

  it('recognises lost connections and a server shutting down or starting up', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNRESET']) {
      expect(unavailableDependency(Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code })), code).toBe('database');
    }
    expect(unavailableDependency(pgError('57P01', 'terminating connection due to administrator command'))).toBe('database');
    expect(unavailableDependency(pgError('57P03', 'the database system is starting up'))).toBe('database');
    expect(unavailableDependency(pgError('08006', 'connection failure'))).toBe('database');
    const refusedTwice = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]);
    expect(unavailableDependency(refusedTwice)).toBe('database');
  });

  it('leaves refusals and bugs alone', () => {
    expect(unavailableDependency(new WorkflowNotFoundError('gone', 'w', undefined))).toBeUndefined();
    expect(unavailableDependency(new ServiceError('bad', { cause: grpcError(3, 'invalid argument') }))).toBeUndefined();
    expect(unavailableDependency(grpcError(5, 'not found'))).toBeUndefined();
    expect(unavailableDependency(pgError('23505', 'duplicate key value violates unique constraint'))).toBeUndefined();
    expect(unavailableDependency(ApplicationFailure.create({ type: 'StateConflict', message: 'no' }))).toBeUndefined();
    expect(unavailableDependency(conflict('no'))).toBeUndefined();
    expect(unavailableDependency(new TypeError('x is undefined'))).toBeUndefined();
    expect(unavailableDependency(undefined)).toBeUndefined();
    const loop: Error & { cause?: unknown } = new Error('loop');
    loop.cause = loop;
    expect(unavailableDependency(loop)).toBeUndefined();
  });
});

describe('the error funnel', () => {
  it('answers 503 { error: unavailable } for a dependency that is down, 500 for anything else', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.get('/temporal', async () => {
      throw new ServiceError('Failed to start Workflow', { cause: grpcError(14, 'No connection established') });
    });
    app.get('/db', async () => {
      throw pgError('57P01', 'terminating connection due to administrator command');
    });
    app.get('/bug', async () => {
      throw new TypeError('x is undefined');
    });
    const temporal = await app.inject({ url: '/temporal' });
    expect(temporal.statusCode).toBe(503);
    expect(temporal.headers['retry-after']).toBe('5');
    expect(temporal.json()).toEqual({ error: 'unavailable', message: 'the workflow service is unavailable; retry later' });
    const db = await app.inject({ url: '/db' });
    expect(db.statusCode).toBe(503);
    expect(db.json()).toEqual({ error: 'unavailable', message: 'the database is unavailable; retry later' });
    expect((await app.inject({ url: '/bug' })).statusCode).toBe(500);
    await app.close();
  });
});
