import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { setLogLevel } from "../src/shared/log.js";

setLogLevel(process.env.TEST_LOG === "1" ? "debug" : "silent");

// Each test file's audit keys and checkpoints live in a folder of its own (tests/helpers/app.ts).
const auditDir = mkdtempSync(join(tmpdir(), "xg-test-audit-"));
process.env.XG_TEST_AUDIT_DIR = auditDir;
afterAll(() => rmSync(auditDir, { recursive: true, force: true }));
