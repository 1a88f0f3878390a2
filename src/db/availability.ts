import { ServiceUnavailableError } from "../shared/errors.js";
import { log } from "../shared/log.js";

/**
 * A probe unanswered for this long, while no other statement succeeded either, counts as
 * unreachable (a dead link holds a socket open without an answer or an error).
 */
const PROBE_TIMEOUT_MS = 1000;
/** While requests are running: how often the database is probed (a dead link fails no statement). */
const HEARTBEAT_MS = 500;
/** While unreachable: how often it is probed, so serving resumes soon after it returns. */
const RETRY_MS = 250;

/** What a probe found: an answer, or none in time. A connection error is thrown. */
export type ProbeResult = "answered" | "timeout";

/**
 * Whether PostgreSQL can be reached, decided by a probe (`SELECT 1` on a connection of its own)
 * rather than guessed from the pool: when a statement fails as a lost connection does, and every
 * HEARTBEAT_MS while requests run. While it cannot be reached, statements are refused at once with
 * SERVICE_UNAVAILABLE instead of each waiting for a connection that will not come, and the requests
 * running when it was found gone are stopped (their statements may hang on a dead link); the probe
 * goes on every RETRY_MS and serving resumes with its first answer. A slow probe alone is not an
 * outage: on a loaded machine it can take a second, so it counts only if no statement of the pool
 * succeeded meanwhile either.
 */
export class Availability {
  private reachable = true;
  private lastSuccess = 0;
  private probing: Promise<void> | null = null;
  /** How to stop each request running now (with SERVICE_UNAVAILABLE). */
  private readonly requests = new Set<(reason: Error) => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly probe: (timeoutMs: number) => Promise<ProbeResult>) {}

  get up(): boolean {
    return this.reachable;
  }

  /** A statement failed as if the database were gone: find out now. */
  suspect(): void {
    void this.check();
  }

  /** A statement of the pool was answered: the database is there, however slow the probe. */
  answered(): void {
    this.lastSuccess = performance.now();
  }

  /**
   * Registers a running request: `stop` is called (with SERVICE_UNAVAILABLE) at once if the
   * database is already known unreachable, or when it is found so while the request runs. Returns
   * what to call when the request ends.
   */
  enter(stop: (reason: Error) => void): () => void {
    if (!this.reachable) stop(new ServiceUnavailableError());
    this.requests.add(stop);
    if (!this.heartbeat && !this.closed) {
      this.heartbeat = setInterval(() => void this.check(), HEARTBEAT_MS).unref();
    }
    return () => {
      this.requests.delete(stop);
      if (!this.requests.size && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    };
  }

  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    this.heartbeat = this.retry = null;
  }

  private check(): Promise<void> {
    const started = performance.now();
    this.probing ??= this.probe(PROBE_TIMEOUT_MS)
      .then(
        (result) =>
          this.mark(result === "answered" || this.lastSuccess > started, `no answer within ${PROBE_TIMEOUT_MS} ms`),
        (error: unknown) => this.mark(false, error),
      )
      .finally(() => (this.probing = null));
    return this.probing;
  }

  private mark(reachable: boolean, error?: unknown): void {
    if (this.closed) return;
    if (reachable !== this.reachable) {
      this.reachable = reachable;
      if (reachable) log("warn", "database reachable again: serving");
      else {
        log("warn", "database unreachable: answering 503 until it returns", { error: String(error) });
        for (const stop of this.requests) stop(new ServiceUnavailableError());
      }
    }
    if (!reachable && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.check();
      }, RETRY_MS).unref();
    }
  }
}
