import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A message the receiving SMTP server accepted: the envelope, the raw bytes and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpReceiver {
  /** smtp://user:pass@127.0.0.1:<port> (no TLS: a local test server). */
  url: string;
  received: ReceivedMail[];
  /** While down, every message is refused with a 451 (a temporary failure: the client must retry). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server in-process (the `smtp-server` package, the receiving side of the protocol): nodemailer talks
 * SMTP to it exactly as to a provider — the tests never mock the client.
 */
export async function startSmtpReceiver(
  options: { onReceived?: (mail: ReceivedMail) => void } = {},
): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  let down = false;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "user" && auth.password === "pass") callback(null, { user: "user" });
      else callback(new Error("Invalid username or password"));
    },
    onMailFrom(_address, _session, callback) {
      if (down) {
        const error = new Error("Service temporarily unavailable") as Error & { responseCode: number };
        error.responseCode = 451;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then(
          (parsed) => {
            const mail: ReceivedMail = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              raw,
              parsed,
            };
            received.push(mail);
            options.onReceived?.(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://user:pass@127.0.0.1:${port}`,
    received,
    setDown(value) {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
