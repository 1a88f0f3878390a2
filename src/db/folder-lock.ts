import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { relative, resolve } from "node:path";

/**
 * PGlite is PostgreSQL compiled into this process: two processes on one data folder each believe
 * they own it, and the folder is corrupted beyond repair. So one process at a time holds it, by a
 * lock file beside it (`<folder>.lock`) created atomically (O_EXCL). A lock whose process is gone
 * (killed, crashed) is stale and taken over; one whose process is alive refuses the newcomer at once,
 * naming the holder.
 */
export interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

/** The folder is held by another process (or by this one, opened twice). */
export class FolderLockedError extends Error {
  override name = "FolderLockedError";
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database ${folder} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}): ` +
        `PGlite allows one process per folder. Stop that process first, or use PostgreSQL (set DATABASE_URL) to run the server, seeds and CLIs side by side.`,
    );
  }
}

export const lockFileOf = (folder: string) => `${resolve(folder).replace(/[/\\]+$/, "")}.lock`;

/** How this process is described to the next one: the command as a person typed it, roughly. */
function describeProcess(): string {
  const script = process.env.npm_lifecycle_event;
  const args = process.argv.slice(1).map((a) => (a.startsWith("/") ? relative(process.cwd(), a) || a : a));
  const command = args.join(" ");
  if (!script || script === "npx") return command;
  return `${script === "start" || script === "test" ? `npm ${script}` : `npm run ${script}`}: ${command}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    return typeof holder.pid === "number" ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

/** Takes the folder's lock or throws FolderLockedError; returns the function that releases it. */
export function lockFolder(folder: string): () => void {
  const path = lockFileOf(folder);
  const me: LockHolder = { pid: process.pid, command: describeProcess(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw error;
      const holder = readHolder(path);
      // Written by a process caught between creating and filling it, or by one long gone: stale.
      if (holder && alive(holder.pid)) throw new FolderLockedError(folder, holder);
      try {
        unlinkSync(path);
      } catch {
        // Another newcomer removed it first: try again, one of us wins the O_EXCL create.
      }
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    break;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    // Remove it only if it is still ours (a stale-lock takeover may have replaced it).
    if (readHolder(path)?.pid === process.pid) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  };
  // process.exit() without closing the database still releases it; a crash (SIGKILL) leaves a stale lock.
  process.on("exit", release);
  return release;
}
