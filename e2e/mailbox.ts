import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { E2E_MAIL_DIR } from "./start-app-paths";

/** Every message the e2e app's SMTP receiver accepted so far (e2e/start-app.ts) that was delivered to `address`. */
export async function mailsTo(address: string): Promise<ParsedMail[]> {
  const files = readdirSync(E2E_MAIL_DIR)
    .filter((name) => name.endsWith(".eml"))
    .sort();
  const parsed = await Promise.all(
    files.map((name) => simpleParser(readFileSync(path.join(E2E_MAIL_DIR, name)))),
  );
  const wanted = address.toLowerCase();
  return parsed.filter((mail) => {
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    return to.some((object) => object.value.some((entry) => entry.address?.toLowerCase() === wanted));
  });
}
