/*! Visitor Chat embed, served by your own Visitor Chat server (docs/widget.md). One script tag adds the chat launcher:
 * <script src="https://YOUR-HOST/embed.js" async data-title="Support" data-accent="#4f46e5"
 *   data-greeting="Hi!" data-position="right" data-launcher-label="Chat with us" data-locale="de"></script>
 * Every data-attribute is optional and overrides, for this page, the settings made at /admin/settings.
 * API: VisitorChat.open() / close() / toggle() / identify({ user_id, user_hash, name, email, plan: "pro" })
 * The visitor id is kept in this page's localStorage and handed to the chat frame with postMessage, with the page's
 * url and title (again on each navigation of a single-page site), shown to the team beside the conversation. */
(function (w, d) {
  "use strict";
  if (w.VisitorChat && w.VisitorChat.version) return;
  var script = d.currentScript || d.querySelector('script[src*="/embed.js"]');
  if (!script) return;
  var NS = "visitor-chat";
  var KEY = "visitor-chat:visitor_id";
  var OPEN_KEY = "visitor-chat:open";
  var app = new URL(script.src, location.href).origin;
  var data = script.dataset;
  var HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
  var left, accent, label, title;
  // The launcher's own words, in the chat's language (data-locale, else the browser's; English otherwise). The
  // chat itself is translated by the server (messages/<locale>.json); tests/widget-strings.test.ts checks every
  // language there is here too. "new" holds the unread count's plural forms (Intl.PluralRules categories).
  // prettier-ignore
  var TEXT = {
    en: { chat: "Chat", open: "Open chat", close: "Close chat", new: { one: "new reply", other: "new replies" } },
    de: { chat: "Chat", open: "Chat öffnen", close: "Chat schließen", new: { one: "neue Antwort", other: "neue Antworten" } },
    fr: { chat: "Chat", open: "Ouvrir le chat", close: "Fermer le chat", new: { one: "nouvelle réponse", many: "nouvelles réponses", other: "nouvelles réponses" } },
    es: { chat: "Chat", open: "Abrir el chat", close: "Cerrar el chat", new: { one: "respuesta nueva", many: "respuestas nuevas", other: "respuestas nuevas" } },
    ar: { chat: "المحادثة", open: "افتح المحادثة", close: "أغلق المحادثة", new: { zero: "ردود جديدة", one: "رد جديد", two: "ردان جديدان", few: "ردود جديدة", many: "ردًا جديدًا", other: "رد جديد" } },
  };
  var lang = String(
    data.locale || (navigator.languages && navigator.languages[0]) || navigator.language || "",
  )
    .toLowerCase()
    .split(/[-_]/)[0];
  if (!TEXT[lang]) lang = "en";
  var T = TEXT[lang];
  function unreadText(n) {
    var form = "other";
    try {
      form = new Intl.PluralRules(lang).select(n);
    } catch (e) {
      /* no Intl: "other" */
    }
    return n + " " + (T.new[form] || T.new.other);
  }
  var meta = {};
  var root,
    button,
    frame,
    isOpen = false,
    ready = false,
    unread = 0,
    wanted = 0;

  // The admin's settings (GET /api/chats/widget/), then this page's data-attributes over them.
  function configure(s) {
    s = s || {};
    var position = data.position || s.position;
    left = position === "left";
    accent = HEX.test(data.accent || "") ? data.accent : HEX.test(s.accent || "") ? s.accent : "#4f46e5";
    label = (data.launcherLabel != null ? data.launcherLabel : s.launcher_label || "").slice(0, 40);
    title = data.title || s.title || T.chat;
  }
  // Black or white text on the accent, whichever reads better (as the widget does).
  function onAccent() {
    var h = accent.slice(1);
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    var l = [0, 2, 4].map(function (i) {
      var c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] > 0.4 ? "#111827" : "#fff";
  }

  function get(store, key) {
    try {
      return w[store].getItem(key);
    } catch (e) {
      return null;
    }
  }
  function set(store, key, value) {
    try {
      value == null ? w[store].removeItem(key) : w[store].setItem(key, value);
    } catch (e) {
      /* blocked */
    }
  }
  function post(message) {
    message.ns = NS;
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, app);
  }
  function icon(open) {
    return open
      ? '<svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>'
      : '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg>';
  }

  function build() {
    var side = left ? "left" : "right";
    var style = d.createElement("style");
    style.textContent =
      "#vc-root{position:fixed;z-index:2147483000;bottom:20px;" +
      side +
      ":20px;font:14px system-ui,sans-serif}" +
      "#vc-launcher{position:relative;min-width:56px;height:56px;border:0;border-radius:28px;background:" +
      accent +
      ";color:" +
      onAccent() +
      ";cursor:pointer;display:flex;align-items:center;justify-content:center;gap:8px;font:600 15px system-ui,sans-serif;box-shadow:0 6px 20px rgba(0,0,0,.25);transition:transform .15s}" +
      "#vc-launcher.vc-labelled{padding:0 20px 0 16px}" +
      "#vc-badge{position:absolute;top:-4px;" +
      (left ? "left" : "right") +
      ":-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#b42318;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}" +
      "#vc-launcher:hover{transform:scale(1.06)}#vc-launcher:focus-visible{outline:3px solid " +
      accent +
      ";outline-offset:3px}" +
      "#vc-panel{position:fixed;bottom:88px;" +
      side +
      ":20px;width:380px;height:min(640px,calc(100vh - 108px));border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.28);background:#fff;display:none}" +
      "#vc-panel.vc-open{display:block}#vc-panel iframe{width:100%;height:100%;border:0;display:block}" +
      "@media (max-width:480px){#vc-panel{inset:0;width:100%;height:100%;border-radius:0}#vc-root.vc-is-open #vc-launcher{display:none}}" +
      "@media (prefers-color-scheme:dark){#vc-panel{background:#10141c}}";
    d.head.appendChild(style);
    root = d.createElement("div");
    root.id = "vc-root";
    root.innerHTML =
      '<div id="vc-panel" role="dialog" aria-label="' +
      escapeAttr(title) +
      '"></div>' +
      '<button id="vc-launcher" type="button" aria-haspopup="dialog" aria-controls="vc-panel"></button>';
    d.body.appendChild(root);
    button = root.lastChild;
    button.addEventListener("click", toggle);
    paint();
    if (wanted) open(wanted === 2);
    else if (get("sessionStorage", OPEN_KEY) === "1") open(false);
  }

  function escapeAttr(s) {
    return String(s).replace(/[&"<>]/g, function (c) {
      return { "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" }[c];
    });
  }

  function paint() {
    var text = !isOpen && label;
    button.innerHTML =
      icon(isOpen) +
      (text ? '<span aria-hidden="true">' + escapeAttr(label) + "</span>" : "") +
      (unread && !isOpen
        ? '<span id="vc-badge" aria-hidden="true">' + (unread > 9 ? "9+" : unread) + "</span>"
        : "");
    button.className = text ? "vc-labelled" : "";
    button.setAttribute(
      "aria-label",
      isOpen ? T.close : (label || T.open) + (unread ? " (" + unreadText(unread) + ")" : ""),
    );
    button.setAttribute("aria-expanded", String(isOpen));
    root.className = isOpen ? "vc-is-open" : "";
    root.firstChild.className = isOpen ? "vc-open" : "";
  }

  function ensureFrame() {
    if (frame) return;
    var q = new URLSearchParams({ embed: "1" });
    ["title", "subtitle", "accent", "greeting", "position"].forEach(function (k) {
      if (data[k]) q.set(k, data[k]);
    });
    if (data.ratingDelay) q.set("rating_delay", data.ratingDelay);
    // The chat's language: data-locale ("de", "fr", "ar" …) if set, else the visitor's browser decides.
    if (data.locale) q.set("locale", data.locale);
    frame = d.createElement("iframe");
    frame.src = app + "/widget?" + q.toString();
    frame.title = title;
    root.firstChild.appendChild(frame);
  }

  function open(focus) {
    if (!root) {
      wanted = focus === false ? 1 : 2; // called before the launcher exists: opened once it does
      return;
    }
    ensureFrame();
    isOpen = true;
    unread = 0;
    set("sessionStorage", OPEN_KEY, "1");
    paint();
    if (focus !== false) {
      frame.focus();
      if (ready) post({ type: "opened" });
    }
  }
  function close() {
    wanted = 0;
    if (!root || !isOpen) return;
    isOpen = false;
    set("sessionStorage", OPEN_KEY, null);
    if (ready) post({ type: "closed" });
    paint();
    button.focus();
  }
  function toggle() {
    isOpen ? close() : open();
  }
  function identify(metadata) {
    if (!metadata || typeof metadata !== "object") return;
    for (var k in metadata) if (Object.prototype.hasOwnProperty.call(metadata, k)) meta[k] = metadata[k];
    if (ready) post({ type: "identify", metadata: meta });
  }

  w.addEventListener("message", function (e) {
    var m = e.data;
    // Only our own frame, from the app's origin, speaking our protocol.
    if (!frame || e.source !== frame.contentWindow || e.origin !== app || !m || m.ns !== NS) return;
    if (m.type === "hello") {
      ready = true;
      reported = pageKey();
      post({
        type: "init",
        nonce: m.nonce,
        visitor_id: get("localStorage", KEY),
        metadata: meta,
        page_url: location.href,
        page_title: d.title,
        referrer: d.referrer,
      });
      if (isOpen) post({ type: "opened" });
    } else if (m.type === "visitor" && typeof m.visitor_id === "string") {
      set("localStorage", KEY, m.visitor_id);
    } else if (m.type === "close") {
      close();
    } else if (m.type === "unread" && !isOpen) {
      unread += 1;
      paint();
    }
  });

  // The page the visitor is on, for the team (the visitor's context): single-page sites change it with the
  // history API or the fragment. One `page` message per navigation, sent once the page had a moment to set its
  // title; a url already reported (the fragment aside: it is not stored) is not sent again.
  var reported = null,
    pageTimer = 0;
  function pageKey() {
    return location.href.split("#")[0];
  }
  function navigated() {
    clearTimeout(pageTimer);
    pageTimer = setTimeout(function () {
      if (!ready || pageKey() === reported) return;
      reported = pageKey();
      post({ type: "page", page_url: location.href, page_title: d.title });
    }, 250);
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = w.history && w.history[name];
    if (typeof original !== "function") return;
    w.history[name] = function () {
      var result = original.apply(this, arguments);
      navigated();
      return result;
    };
  });
  w.addEventListener("popstate", navigated);
  w.addEventListener("hashchange", navigated);

  // The launcher is drawn once the settings arrived (or after 3 s, or on failure, with this page's attributes).
  function start() {
    var started = false;
    function go(settings) {
      if (started) return;
      started = true;
      configure(settings);
      if (d.body) build();
      else d.addEventListener("DOMContentLoaded", build);
    }
    setTimeout(go, 3000);
    try {
      fetch(app + "/api/chats/widget/", { credentials: "omit" })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(
          function (body) {
            go(body && body.data);
          },
          function () {
            go(null);
          },
        );
    } catch (e) {
      go(null);
    }
  }

  w.VisitorChat = { version: 1, open: open, close: close, toggle: toggle, identify: identify };
  start();
})(window, document);
