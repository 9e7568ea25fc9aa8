import type { Transporter } from "nodemailer";

/**
 * The SMTP client (nodemailer) for SMTP_URL: smtp://user:pass@host:587 (STARTTLS when the server offers it) or
 * smtps://user:pass@host:465 (TLS from the start). One transport per URL per process (it pools nothing: each send
 * opens a connection, so a restarted mail server is simply reached again).
 */
const transports = new Map<string, Transporter>();

/** How long one send may take (connection, greeting, the whole SMTP dialogue), so a hung server fails the attempt. */
const SMTP_TIMEOUT_MS = 20_000;

/** nodemailer (≈ 0.5 MB of code) is loaded on the first send, not kept by an app that sends no email. */
export async function smtpTransport(smtpUrl: string): Promise<Transporter> {
  const { default: nodemailer } = await import("nodemailer");
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // The URL's options (host, port, auth, smtps → secure) with the timeouts added as its query parameters.
    const url = new URL(smtpUrl);
    for (const name of ["connectionTimeout", "greetingTimeout", "socketTimeout"])
      if (!url.searchParams.has(name)) url.searchParams.set(name, String(SMTP_TIMEOUT_MS));
    transport = nodemailer.createTransport(url.toString());
    transports.set(smtpUrl, transport);
  }
  return transport;
}
