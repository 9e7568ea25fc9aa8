import { directionOf, DEFAULT_LOCALE, supportedLocale } from "~/i18n/locales";
import { visitorEmailTexts } from "./email-texts";

/**
 * The emails' words and markup, built from plain data (no database): each email is plain text and HTML with the
 * same content. Visitor emails are in the session's language (the `VisitorEmail` namespace of
 * messages/<locale>.json), English when it is not known; emails to agents are in English.
 */

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((part) => `<p>${escapeHtml(part).replaceAll("\n", "<br>")}</p>`)
    .join("");

function page(siteTitle: string, body: string, locale: string = DEFAULT_LOCALE): string {
  const language = supportedLocale(locale) ?? DEFAULT_LOCALE;
  return (
    `<!doctype html><html lang="${language}" dir="${directionOf(language)}"><head><meta charset="utf-8"><title>${escapeHtml(siteTitle)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111827;max-width:600px;margin:0 auto;padding:16px">` +
    `${body}</body></html>`
  );
}

/** What every email to a conversation's visitor carries besides its own content (queueVisitorEmail fills it in). */
export interface VisitorEmailLinks {
  siteTitle: string;
  /** The link that reopens the conversation in the widget. */
  conversationUrl: string;
  stopUrl: string;
  /** Whether a reply to the email reaches the conversation (inbound email is set up). */
  canReply: boolean;
  /** The session's locale: the email's language (English when null or not one of ours). */
  locale?: string | null;
}

/**
 * An email to a visitor: the intro, the email's own body, then what every one ends with (how to answer, the link
 * back to the conversation, why they get it and the stop link), as plain text and HTML.
 */
function visitorEmail(
  args: VisitorEmailLinks,
  content: { subject: string; intro: string; text: readonly string[]; html: string },
): RenderedEmail {
  const t = visitorEmailTexts(args.locale);
  const howToAnswer = args.canReply ? t("replyOrContinue") : t("continue");
  const why = t("why", { site: args.siteTitle });
  const text = [
    content.intro,
    "",
    ...content.text,
    howToAnswer,
    args.conversationUrl,
    "",
    "--",
    why,
    `${t("stop")} ${args.stopUrl}`,
  ].join("\n");
  const html = page(
    args.siteTitle,
    `<p>${escapeHtml(content.intro)}</p>` +
      content.html +
      `<p>${escapeHtml(howToAnswer)} <a href="${escapeHtml(args.conversationUrl)}">${escapeHtml(t("openConversation"))}</a></p>` +
      `<hr><p style="font-size:12px;color:#5b6472">${escapeHtml(why)} ` +
      `<a href="${escapeHtml(args.stopUrl)}">${escapeHtml(t("stopLink"))}</a></p>`,
    args.locale ?? DEFAULT_LOCALE,
  );
  return { subject: content.subject, text, html };
}

/** An agent's messages to a visitor who is away: the site, who wrote, the messages, the way back, the stop link. */
export function continuityEmail(
  args: VisitorEmailLinks & { agentName: string; messages: readonly string[] },
): RenderedEmail {
  const { siteTitle, agentName, messages } = args;
  const t = visitorEmailTexts(args.locale);
  return visitorEmail(args, {
    subject: t("subject", { site: siteTitle, agent: agentName }),
    intro: t("wrote", { agent: agentName, site: siteTitle }),
    text: messages.flatMap((message) => [message, ""]),
    html: messages
      .map(
        (message) =>
          `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #4f46e5;background:#f4f5f7">${paragraphs(message)}</blockquote>`,
      )
      .join(""),
  });
}

/** To an agent: a request for a person waits (or nobody is online). */
export function agentAlertEmail(args: {
  siteTitle: string;
  conversationTitle: string;
  lastMessage: string | null;
  visitorEmail: string | null;
  inboxUrl: string;
  nobodyOnline: boolean;
}): RenderedEmail {
  const why = args.nobodyOnline
    ? "A visitor asked for a person while nobody was online."
    : "A visitor has been waiting for a person.";
  const subject = `${args.siteTitle}: a visitor is waiting — ${args.conversationTitle}`;
  const lines = [
    why,
    "",
    `Conversation: ${args.conversationTitle}`,
    ...(args.lastMessage ? [`Last message: ${args.lastMessage}`] : []),
    ...(args.visitorEmail ? [`Visitor's email: ${args.visitorEmail}`] : []),
    "",
    `Answer in the inbox: ${args.inboxUrl}`,
    "",
    "--",
    "Turn these emails off on your profile (/admin/profile).",
  ];
  const html = page(
    args.siteTitle,
    `<p>${escapeHtml(why)}</p><p><strong>${escapeHtml(args.conversationTitle)}</strong></p>` +
      (args.lastMessage ? `<blockquote>${paragraphs(args.lastMessage)}</blockquote>` : "") +
      (args.visitorEmail ? `<p>Visitor's email: ${escapeHtml(args.visitorEmail)}</p>` : "") +
      `<p><a href="${escapeHtml(args.inboxUrl)}">Answer in the inbox</a></p>` +
      `<hr><p style="font-size:12px;color:#5b6472">Turn these emails off on your profile (/admin/profile).</p>`,
  );
  return { subject, text: lines.join("\n"), html };
}

/** To an agent, once a day: the follow-up queue. */
export function digestEmail(args: {
  siteTitle: string;
  items: readonly { title: string; visitorEmail: string | null; since: string; url: string }[];
}): RenderedEmail {
  const subject = `${args.siteTitle}: ${args.items.length} conversation(s) to follow up`;
  const text = [
    `${args.items.length} request(s) for a person are still unanswered:`,
    "",
    ...args.items.map(
      (item) =>
        `- ${item.title} (since ${item.since}${item.visitorEmail ? `, ${item.visitorEmail}` : ""}): ${item.url}`,
    ),
    "",
    "--",
    "Turn these emails off on your profile (/admin/profile).",
  ].join("\n");
  const html = page(
    args.siteTitle,
    `<p>${args.items.length} request(s) for a person are still unanswered:</p><ul>` +
      args.items
        .map(
          (item) =>
            `<li><a href="${escapeHtml(item.url)}">${escapeHtml(item.title)}</a> — since ${escapeHtml(item.since)}` +
            `${item.visitorEmail ? `, ${escapeHtml(item.visitorEmail)}` : ""}</li>`,
        )
        .join("") +
      `</ul><hr><p style="font-size:12px;color:#5b6472">Turn these emails off on your profile (/admin/profile).</p>`,
  );
  return { subject, text, html };
}

/** One line of a transcript: who wrote (visitor, assistant, agent) or a visible step (author null). */
export interface TranscriptLine {
  author: "visitor" | "assistant" | "agent" | "step";
  /** The agent's name (agent lines). */
  name?: string | null;
  text: string;
  at: Date;
}

/** The conversation, as the visitor asked for it when it closed: every message and visible step, in order. */
export function transcriptEmail(
  args: VisitorEmailLinks & { title: string | null; lines: readonly TranscriptLine[] },
): RenderedEmail {
  const t = visitorEmailTexts(args.locale);
  const language = supportedLocale(args.locale) ?? DEFAULT_LOCALE;
  const when = new Intl.DateTimeFormat(language, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  });
  const who = (line: TranscriptLine) =>
    line.author === "visitor"
      ? t("transcript.you")
      : line.author === "assistant"
        ? t("transcript.assistant")
        : line.author === "agent"
          ? (line.name ?? t("transcript.agent"))
          : null;
  return visitorEmail(args, {
    subject: t("transcript.subject", { site: args.siteTitle }),
    intro: args.title
      ? t("transcript.introTitled", { site: args.siteTitle, title: args.title })
      : t("transcript.intro", { site: args.siteTitle }),
    text: args.lines.flatMap((line) => {
      const name = who(line);
      const stamp = `${when.format(line.at)} UTC`;
      return name ? [`${name} (${stamp}):`, line.text, ""] : [`— ${line.text} (${stamp}) —`, ""];
    }),
    html: args.lines
      .map((line) => {
        const name = who(line);
        const stamp = `${escapeHtml(when.format(line.at))} UTC`;
        return name
          ? `<div style="margin:0 0 12px"><p style="margin:0;font-size:13px;color:#5b6472"><strong>${escapeHtml(name)}</strong> · ${stamp}</p>` +
              `<blockquote style="margin:4px 0 0;padding:8px 12px;border-left:3px solid ${line.author === "visitor" ? "#9ca3af" : "#4f46e5"};background:#f4f5f7">${paragraphs(line.text)}</blockquote></div>`
          : `<p style="margin:0 0 12px;text-align:center;font-size:13px;color:#5b6472">— ${escapeHtml(line.text)} · ${stamp} —</p>`;
      })
      .join(""),
  });
}
