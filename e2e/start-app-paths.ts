import os from "node:os";
import path from "node:path";
import { APP_ORIGIN } from "../playwright.config";

/** Where e2e/start-app.ts keeps the test server's files, and its SQLite database for a port. */
export const E2E_DIR = path.join(os.tmpdir(), "visitor-chat-e2e");
export const e2eDatabaseFile = (port: string) => path.join(E2E_DIR, `app-${port}.db`);
/** The database of the server the specs run against (tests that need a state the UI cannot make write it). */
export const E2E_DATABASE_FILE = e2eDatabaseFile(new URL(APP_ORIGIN).port);
/** Where the e2e app's SMTP receiver (started by e2e/start-app.ts) writes each message it accepts, as `<n>.eml`. */
export const e2eMailDir = (port: string) => path.join(E2E_DIR, `mail-${port}`);
export const E2E_MAIL_DIR = e2eMailDir(new URL(APP_ORIGIN).port);
