import { ExportError } from "./export.errors.js";

/** Seconds a refused client is asked to wait before trying again (an export takes seconds to minutes). */
export const EXPORT_RETRY_AFTER_SECONDS = 15;

/** A place among the running exports; `release` gives it back (once: later calls do nothing). */
export interface ExportSlot {
  release(): void;
}

/**
 * How many exports run at once in this process (EXPORT_MAX_CONCURRENT) and per principal
 * (EXPORT_MAX_PER_PRINCIPAL): each holds a database connection and a transaction for as long as its
 * client reads, so one integrator's parallel jobs must not take every connection from the others.
 * Counted in memory, per process: behind several replicas the whole is replicas × the limit.
 */
export class ExportSlots {
  private running = 0;
  private readonly byPrincipal = new Map<string, number>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxPerPrincipal: number,
  ) {}

  /** A slot for the principal, or EXPORT_BUSY (HTTP 429) when either limit is reached. */
  take(principal: string): ExportSlot {
    const own = this.byPrincipal.get(principal) ?? 0;
    if (own >= this.maxPerPrincipal) {
      throw busy(
        `You already run ${own} export${own === 1 ? "" : "s"} (at most ${this.maxPerPrincipal} at once): let one finish, then try again.`,
        "principal",
        this.maxPerPrincipal,
      );
    }
    if (this.running >= this.maxConcurrent) {
      throw busy(
        `The server runs as many exports as it takes at once (${this.maxConcurrent}): try again shortly.`,
        "server",
        this.maxConcurrent,
      );
    }
    this.running++;
    this.byPrincipal.set(principal, own + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        const left = (this.byPrincipal.get(principal) ?? 1) - 1;
        if (left > 0) this.byPrincipal.set(principal, left);
        else this.byPrincipal.delete(principal);
      },
    };
  }

  /** Exports running now (for tests and metrics). */
  get active(): number {
    return this.running;
  }
}

function busy(message: string, limit: "principal" | "server", max: number): ExportError {
  return new ExportError("EXPORT_BUSY", message, 429, {
    limit,
    max,
    retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS,
  });
}
