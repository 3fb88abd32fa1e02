/* The embeddable chat widget: a button in a bottom corner of the clinic's page that opens the
   chat in a panel. The gateway serves it at /widget.js wrapped in one function together with
   chat-core.js (the chat logic shared with the gateway's own chat page), after a line that
   defines SYMCHECK_WIDGET = {config: {emergency_number, clinic_name, max_chars}, css: "..."}
   (symcheck/gateway/routes/widget.py). It adds no globals to the page, keeps its DOM and styles
   in a shadow root, inserts all text with textContent and keeps only the conversation token in
   the browser. Settings come from the script tag's data-* attributes (docs/widget.md). */
(function () {
  "use strict";

  if (typeof SYMCHECK_WIDGET === "undefined" || typeof SymcheckChatCore === "undefined") {
    window.console && console.error("symcheck widget: load it from the gateway as /widget.js");
    return;
  }

  var FULL_SCREEN_QUERY = "(max-width: 480px), (max-height: 520px)"; // as in widget.css
  var HOST_TAG = "symcheck-chat-widget";
  var config = SYMCHECK_WIDGET.config;
  var script = document.currentScript || findScript();
  if (!script || !script.src) { return; }
  var gatewayOrigin = new URL(script.src, window.location.href).origin;

  function findScript() {
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?|#|$)/.test(scripts[i].src)) { return scripts[i]; }
    }
    return null;
  }

  function option(name, fallback) {
    var value = script.getAttribute("data-" + name);
    return value && value.trim() ? value.trim() : fallback;
  }

  function colour(name, fallback) {
    var value = option(name, "");
    var ok = value && window.CSS && typeof CSS.supports === "function" && CSS.supports("color", value) &&
      !/url\(|var\(/i.test(value);
    return ok ? value : fallback;
  }

  var settings = {
    title: option("title", "Symptom checker"),
    greeting: option("greeting", SymcheckChatCore.DEFAULT_GREETING),
    buttonLabel: option("button-label", "Check your symptoms"),
    languageLabel: option("language-label", ""),
    lang: option("lang", "en"),
    position: option("position", "right") === "left" ? "left" : "right",
    storage: option("storage", "local") === "session" ? "session" : "local",
    primary: colour("primary-color", ""),
    onPrimary: colour("primary-text-color", "")
  };

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function append(parent, children) {
    children.forEach(function (child) { parent.appendChild(child); });
    return parent;
  }

  function adoptStyles(shadow, css) {
    // A constructed stylesheet is allowed by a host CSP of style-src 'self'; a <style> element
    // (the fallback for older browsers) needs style-src 'unsafe-inline'.
    if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        shadow.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* fall through */ }
    }
    shadow.appendChild(make("style", {}, css));
  }

  function alreadyMounted() {
    var hosts = document.getElementsByTagName(HOST_TAG);
    for (var i = 0; i < hosts.length; i++) {
      if (hosts[i].getAttribute("data-gateway") === gatewayOrigin) { return true; }
    }
    return false;
  }

  function mount() {
    if (alreadyMounted()) { return; }
    var host = make(HOST_TAG, { "data-gateway": gatewayOrigin });
    if (settings.primary) { host.style.setProperty("--sc-primary", settings.primary); }
    if (settings.onPrimary) { host.style.setProperty("--sc-on-primary", settings.onPrimary); }
    var shadow = host.attachShadow({ mode: "open" });
    adoptStyles(shadow, SYMCHECK_WIDGET.css);

    var emergencyNumber = config.emergency_number;
    var root = make("div", { "class": "sc-root position-" + settings.position, lang: settings.lang });

    var badge = make("span", { "class": "badge", "aria-hidden": "true", hidden: "" });
    var launcher = append(make("button", {
      type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "sc-panel",
      "aria-haspopup": "dialog"
    }), [
      make("span", { "class": "launcher-icon", "aria-hidden": "true" }),
      make("span", { "class": "launcher-label" }, settings.buttonLabel),
      badge
    ]);
    var announcer = make("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });

    var closeButton = make("button", { type: "button", "class": "close", "aria-label": "Close the chat" }, "\u00d7");
    var telLink = make("a", { href: "tel:" + String(emergencyNumber).replace(/[^0-9+*#]/g, "") }, emergencyNumber);
    var emergencyLine = append(make("p", { "class": "emergency", role: "note" }), [
      document.createTextNode("Emergency? Call "), telLink, document.createTextNode(" now.")
    ]);
    var headerChildren = [
      append(make("div", { "class": "titles" }), [
        make("h2", { "class": "title", id: "sc-title" }, settings.title),
        make("p", { "class": "clinic" }, config.clinic_name)
      ])
    ];
    if (settings.languageLabel) {
      headerChildren.push(append(make("span", { "class": "language" }), [
        make("span", { "class": "visually-hidden" }, "Language: "),
        document.createTextNode(settings.languageLabel)
      ]));
    } else {
      headerChildren.push(make("span"));
    }
    headerChildren.push(closeButton, emergencyLine);
    var header = append(make("div", { "class": "header" }), headerChildren);

    var log = make("div", {
      "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "0"
    });
    var statusLine = make("p", { "class": "status", role: "status", "aria-live": "polite" });
    var quick = make("div", { "class": "quick-answers", role: "group", "aria-label": "Quick answers" });
    var input = make("textarea", {
      id: "sc-message", name: "message", rows: "2", maxlength: String(config.max_chars * 2),
      placeholder: "Describe how you feel...", "aria-describedby": "sc-hint", required: ""
    });
    var sendButton = make("button", { type: "submit", "class": "send" }, "Send");
    var form = append(make("form", { "class": "composer", autocomplete: "off" }), [
      make("label", { "for": "sc-message", "class": "visually-hidden" }, "Your message"),
      input,
      sendButton,
      make("p", { id: "sc-hint", "class": "visually-hidden" }, "Press Enter to send, Shift and Enter for a new line.")
    ]);
    var newChat = make("button", { type: "button", "class": "new-chat" }, "Start a new chat");
    var footer = append(make("div", { "class": "footer" }), [
      newChat,
      make("p", {}, "Advice, not a diagnosis.")
    ]);
    var panel = append(make("div", {
      id: "sc-panel", "class": "panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "sc-title", hidden: ""
    }), [header, log, statusLine, quick, form, footer]);

    append(root, [launcher, panel, announcer]);
    shadow.appendChild(root);
    document.body.appendChild(host);

    var fullScreen = window.matchMedia ? window.matchMedia(FULL_SCREEN_QUERY) : { matches: false };

    function isOpen() { return !panel.hidden; }

    function setUnread(unread) {
      badge.hidden = !unread;
      if (unread) {
        launcher.setAttribute("aria-label", settings.buttonLabel + ", new message");
      } else {
        launcher.removeAttribute("aria-label");
      }
    }

    function open() {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      panel.setAttribute("aria-modal", fullScreen.matches ? "true" : "false");
      setUnread(false);
      announcer.textContent = "";
      chat.scrollToEnd();
      input.focus();
    }

    function close() {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    function focusables() {
      var nodes = panel.querySelectorAll("a[href], button:not([disabled]), textarea, [tabindex='0']");
      return Array.prototype.filter.call(nodes, function (n) { return n.getClientRects().length > 0; });
    }

    launcher.addEventListener("click", function () { if (isOpen()) { close(); } else { open(); } });
    closeButton.addEventListener("click", close);
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close();
        return;
      }
      // Full screen, the panel is modal: Tab cycles inside it.
      if (event.key === "Tab" && isOpen() && fullScreen.matches) {
        var items = focusables();
        if (!items.length) { return; }
        var first = items[0];
        var last = items[items.length - 1];
        var active = shadow.activeElement;
        if (event.shiftKey && (active === first || !panel.contains(active))) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
          event.preventDefault();
          first.focus();
        }
      }
    });

    var chat = SymcheckChatCore.createChat({
      apiBase: gatewayOrigin,
      credentials: "omit",
      emergencyNumber: emergencyNumber,
      greeting: settings.greeting,
      storage: settings.storage,
      storageKey: "symcheck.widget:" + gatewayOrigin + ":conversation",
      elements: { log: log, quick: quick, input: input, sendButton: sendButton, status: statusLine },
      onNew: function (messages) {
        if (isOpen()) { return; }
        setUnread(true);
        var fromClinician = messages.some(function (m) { return m.author === "clinician"; });
        announcer.textContent = fromClinician ? "New message from the clinician in the chat." : "New message in the chat.";
      }
    });
    chat.bindComposer(form);
    newChat.addEventListener("click", function () {
      chat.forget();
      input.focus();
    });
    chat.start();
  }

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
