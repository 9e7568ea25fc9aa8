/**
 * The parse worker's entry (a node:worker_threads thread started by parse-runner.ts): runs one parse task per
 * message and answers `{ id, ok, result }`, `{ id, ok: false, refused }` (a reason for the admin) or
 * `{ id, ok: false, error }`. Untrusted content is only ever parsed here, never on a request's thread.
 */
import { parentPort } from "node:worker_threads";
import { ParseRefusal, runParseTask, type ParseTask } from "./parse-tasks";

const port = parentPort;
if (!port) throw new Error("parse-worker.ts runs as a worker thread (parse-runner.ts starts it)");

port.on("message", (message: { id: number; task: ParseTask }) => {
  runParseTask(message.task).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) =>
      port.postMessage(
        error instanceof ParseRefusal
          ? { id: message.id, ok: false, refused: error.message }
          : error instanceof RangeError && /call stack/i.test(error.message)
            ? { id: message.id, ok: false, refused: "it is nested too deeply to read." }
            : { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) },
      ),
  );
});

// Loaded (the sources transpiled): task deadlines start from here, not from the thread's start.
port.postMessage({ ready: true });
