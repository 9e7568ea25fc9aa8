import { detectLanguage, isLanguage, type Language, type SmallTalk } from "./text-terms";

/**
 * Every reply the assistant gives without sources, in the widget's five languages: to small talk, when the help
 * articles do not cover a question, and the handoff line. One table, so a language is added in one place.
 *
 * Handoff: the not-found reply offers a person (the widget's "Talk to a person" control does it); a visitor who
 * asks for one, or the LLM calling its handoff tool, hands the conversation over (ResponderReply.handoff).
 */
interface BuiltInReplies {
  notFound: string;
  offer: string;
  /** "I can help with: a · b." */
  topics: (list: string) => string;
  handoff: string;
  greeting: string;
  thanks: string;
  goodbye: string;
}

export const BUILT_IN_REPLIES: Record<Language, BuiltInReplies> = {
  en: {
    notFound: "I couldn't find that in our help articles.",
    offer: "Could you rephrase your question, or ask to talk to a person?",
    topics: (list) => `I can help with: ${list}.`,
    handoff: "I'll ask a person from our team to join this chat.",
    greeting: "Hello! How can I help you today?",
    thanks: "You're welcome! Anything else I can help with?",
    goodbye: "Goodbye, and thanks for stopping by!",
  },
  de: {
    notFound: "Dazu habe ich in unseren Hilfeartikeln nichts gefunden.",
    offer: "Können Sie Ihre Frage anders formulieren oder darum bitten, mit einer Person zu sprechen?",
    topics: (list) => `Ich kann helfen bei: ${list}.`,
    handoff: "Ich bitte eine Person aus unserem Team, diesem Chat beizutreten.",
    greeting: "Hallo! Wie kann ich Ihnen heute helfen?",
    thanks: "Gern geschehen! Kann ich sonst noch helfen?",
    goodbye: "Auf Wiedersehen und danke für Ihren Besuch!",
  },
  fr: {
    notFound: "Je n'ai rien trouvé à ce sujet dans nos articles d'aide.",
    offer: "Pourriez-vous reformuler votre question, ou demander à parler à une personne ?",
    topics: (list) => `Je peux vous aider sur : ${list}.`,
    handoff: "Je demande à une personne de notre équipe de rejoindre cette conversation.",
    greeting: "Bonjour ! Comment puis-je vous aider aujourd'hui ?",
    thanks: "Avec plaisir ! Puis-je vous aider pour autre chose ?",
    goodbye: "Au revoir, et merci de votre visite !",
  },
  es: {
    notFound: "No he encontrado eso en nuestros artículos de ayuda.",
    offer: "¿Podría reformular su pregunta, o pedir hablar con una persona?",
    topics: (list) => `Puedo ayudarle con: ${list}.`,
    handoff: "Voy a pedir a una persona de nuestro equipo que se una a este chat.",
    greeting: "¡Hola! ¿En qué puedo ayudarle hoy?",
    thanks: "¡De nada! ¿Puedo ayudarle con algo más?",
    goodbye: "¡Adiós, y gracias por su visita!",
  },
  ar: {
    notFound: "لم أجد ذلك في مقالات المساعدة لدينا.",
    offer: "هل يمكنك إعادة صياغة سؤالك، أو طلب التحدث مع شخص؟",
    topics: (list) => `يمكنني المساعدة في: ${list}.`,
    handoff: "سأطلب من شخص من فريقنا الانضمام إلى هذه المحادثة.",
    greeting: "مرحبًا! كيف يمكنني مساعدتك اليوم؟",
    thanks: "على الرحب والسعة! هل هناك شيء آخر يمكنني المساعدة فيه؟",
    goodbye: "مع السلامة، وشكرًا لزيارتك!",
  },
};

/** The English texts, as the LLM's instructions quote them (it answers in the visitor's language itself). */
export const NOT_FOUND_TEXT = BUILT_IN_REPLIES.en.notFound;
export const NOT_FOUND_OFFER = BUILT_IN_REPLIES.en.offer;
export const HANDOFF_TEXT = BUILT_IN_REPLIES.en.handoff;

/** At most this many topics follow "I can help with". */
export const MAX_TOPICS = 5;

/**
 * The language to reply in: the message's own language when it can be told (a visitor writing German in an
 * English widget reads German best), else the session's locale (the widget's), else English.
 */
export function replyLanguage(message: string, locale?: string | null): Language {
  const base = locale?.toLowerCase().split(/[-_]/)[0];
  return detectLanguage(message) ?? (isLanguage(base) ? base : "en");
}

/** "I couldn't find that …", with at most MAX_TOPICS closest topics. */
export function notFoundReply(topics: string[], language: Language = "en"): string {
  const replies = BUILT_IN_REPLIES[language];
  const list = topics.slice(0, MAX_TOPICS);
  const tail = list.length > 0 ? `\n\n${replies.topics(list.join(" · "))}` : "";
  return `${replies.notFound} ${replies.offer}${tail}`;
}

export function smallTalkReply(kind: SmallTalk, language: Language = "en"): string {
  return BUILT_IN_REPLIES[language][kind === "greeting" ? "greeting" : kind];
}

export function handoffText(language: Language = "en"): string {
  return BUILT_IN_REPLIES[language].handoff;
}
