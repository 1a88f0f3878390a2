import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { configWithKeys } from "./app.js";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment a user's shell would give the commands: keys of the test's own (so nothing is
 * generated under .data/), no auto-seed, warnings only; `overrides` last. An empty value unsets.
 */
export function commandEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const config = configWithKeys();
  return {
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    AUTO_SEED: "none",
    JWT_SECRET: config.JWT_SECRET!,
    AUDIT_HMAC_KEY: config.AUDIT_HMAC_KEY!,
    AUDIT_SIGNING_KEY_FILE: config.AUDIT_SIGNING_KEY_FILE!,
    AUDIT_CHECKPOINT_DIR: config.AUDIT_CHECKPOINT_DIR!,
    ...overrides,
  };
}

/** Runs one of the project's TypeScript entry points (`src/cli/api-key.ts`, `seeds/cli.ts`…) to its end. */
export async function runCommand(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], { env }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

export interface Started {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  output: () => { stdout: string; stderr: string };
  /** Resolves once the server says it serves; rejects if it exits first. */
  serving: Promise<void>;
}

/** Starts a process (by default the server from its sources) and collects what it prints. */
export function startProcess(env: NodeJS.ProcessEnv, args = ["--import", "tsx", "src/main.ts"]): Started {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const serving = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("serving GraphQL")) resolve();
    });
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code} before serving: ${stderr}`)));
  });
  serving.catch(() => {});
  return { child, exited, serving, output: () => ({ stdout, stderr }) };
}

/** A stack trace's line, which a user's failure message never shows (unless LOG_LEVEL=debug). */
export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;
