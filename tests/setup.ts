import "reflect-metadata";
import { setLogLevel } from "../src/shared/log.js";

setLogLevel(process.env.TEST_LOG === "1" ? "debug" : "silent");
