// The API's connection to Temporal: every call has a deadline (TEMPORAL_CALL_TIMEOUT_MS).
//
// Without one, a call to a Temporal that is down is retried by the SDK's gRPC retry interceptor
// (UNAVAILABLE: 10 attempts, backoff up to 5 s) for about 20 s before the request can answer 503.
// With it, the call and its retries stop at the deadline with DEADLINE_EXCEEDED, which
// api/errors.ts answers 503 like UNAVAILABLE. Each call (not each request) has its own deadline; a
// deadline the caller set (Connection.withDeadline) is kept.
//
// The deadline also bounds a call that Temporal is working on; updates (decisions, supplements …)
// get at least UPDATE_TIMEOUT_MS, enough for a worker restart. One waiting longer still (an activity
// retrying against a database that is down) answers 503 too. Temporal
// carries on with it; a retry with the same Idempotency-Key (the update id) waits for that same
// update and gets its outcome, never a second execution.
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions, type GrpcRetryOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** The least deadline of an update call (see retryWithinDeadline). */
export const UPDATE_TIMEOUT_MS = 30_000;

/**
 * The SDK's retry interceptor (same attempts, same backoff), with a deadline `timeoutMs` from the
 * call's start unless it has one, and no backoff past that deadline: the last attempt fails with
 * DEADLINE_EXCEEDED when it comes, not up to a 5 s backoff later.
 */
export function retryWithinDeadline(timeoutMs: number, retry: GrpcRetryOptions = defaultGrpcRetryOptions()): Interceptor {
  return (options, nextCall) => {
    // An update is a decision someone waits for: a worker restarting makes it wait for the sticky
    // queue's timeout (10 s) and a replay, which must not turn into a 503.
    const update = options.method_definition?.path?.endsWith('/UpdateWorkflowExecution');
    const budget = update ? Math.max(timeoutMs, UPDATE_TIMEOUT_MS) : timeoutMs;
    const deadline = options.deadline === undefined ? Date.now() + budget : Number(options.deadline);
    const retrying = makeGrpcRetryInterceptor({
      retryableDecider: retry.retryableDecider,
      delayFunction: (attempt, status) => Math.max(0, Math.min(retry.delayFunction(attempt, status), deadline - Date.now())),
    });
    return retrying({ ...options, deadline }, nextCall);
  };
}

/** `options` (from temporal.config.ts, no interceptors of its own) for the API: calls with deadlines. */
export function apiConnectionOptions(options: ConnectionOptions, timeoutMs: number): ConnectionOptions {
  return { ...options, interceptors: [retryWithinDeadline(timeoutMs), ...(options.interceptors ?? [])] };
}

/** Connects the API to Temporal, every call with a deadline of `timeoutMs`. */
export function connectApi(options: ConnectionOptions, timeoutMs: number): Promise<Connection> {
  return Connection.connect(apiConnectionOptions(options, timeoutMs));
}
