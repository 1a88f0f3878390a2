import { AsyncLocalStorage } from "node:async_hooks";
import { DeadlineExceededError, ServiceUnavailableError } from "../shared/errors.js";

/**
 * The one place that ties statements to the request that issued them. A request's work runs in a
 * scope (AsyncLocalStorage, so no function has to pass it along): once the scope's signal aborts —
 * the client hung up, the deadline passed, the database was found unreachable — the request's
 * further statements are refused, and (on PostgreSQL) the ones running are cancelled on the server.
 */
interface Scope {
  readonly signal: AbortSignal;
  /** How to cancel each statement still running (registered by the driver that can cancel). */
  readonly running: Set<() => void>;
  /** Statements the request issued (read audit appends not included): for its log line and metrics. */
  statements: number;
}

const storage = new AsyncLocalStorage<Scope>();

/** Why a request was stopped when its client hung up: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super("The client closed the connection before the answer was ready.");
    this.name = "ClientGoneError";
  }
}

export function runInScope<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const scope: Scope = { signal, running: new Set(), statements: 0 };
  const cancelAll = () => {
    for (const cancel of scope.running) cancel();
    scope.running.clear();
  };
  signal.addEventListener("abort", cancelAll, { once: true });
  return storage.run(scope, work).finally(() => signal.removeEventListener("abort", cancelAll));
}

/**
 * Work a request starts on behalf of others (the audit's group commit writes the entries of every
 * request waiting for it): it must not be cancelled with the request that happened to start it.
 */
export function outsideRequests<T>(work: () => T): T {
  return storage.exit(work);
}

/** The error a refused statement fails with: why its request was stopped. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof ServiceUnavailableError || reason instanceof DeadlineExceededError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") return new DeadlineExceededError();
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Throws if the current request has been stopped: its statements are not started. */
export function refuseIfStopped(): void {
  const scope = storage.getStore();
  if (scope?.signal.aborted) throw abortError(scope.signal);
}

/**
 * Registers a running statement with the current request, if any; `cancel` is called if the
 * request stops before `settled` does.
 */
export function trackStatement(settled: PromiseLike<unknown>, cancel: () => void): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.running.add(cancel);
  const forget = () => scope.running.delete(cancel);
  settled.then(forget, forget);
}

/** Counts a statement against the current request, if any (called as drizzle issues it). */
export function countStatement(): void {
  const scope = storage.getStore();
  if (scope) scope.statements += 1;
}

/** Reads how many statements the current request has issued, now or later (0 outside a request). */
export function statementCounter(): () => number {
  const scope = storage.getStore();
  return () => scope?.statements ?? 0;
}
