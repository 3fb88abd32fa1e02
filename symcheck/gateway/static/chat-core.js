/* The chat logic shared by the full-page chat (chat.js) and the embeddable widget (widget.js):
   the conversation token, sending, history, the long poll for clinician replies, quick answers,
   and errors that always carry the emergency advice. It builds no page structure: the caller
   passes its elements. All message text is inserted with textContent, never as HTML.

   On the gateway's page this file defines the global SymcheckChatCore; in /widget.js it is
   wrapped in a function with widget.js, so it adds nothing to the clinic's page. */
var SymcheckChatCore = (function () {
  "use strict";

  var POLL_WAIT_SECONDS = 25;
  var RETRY_MS = 3000;
  var MAX_RETRY_MS = 60000;
  var AUTHOR_LABELS = { patient: "You", bot: "Assistant", clinician: "Clinician", system: "Notice" };
  var DEFAULT_GREETING = "Hello. Tell me in a few words what is bothering you, and I will ask some questions and suggest what to do.";

  // The conversation id is the only thing kept in the browser: an opaque token issued by the
  // gateway. Storage can be missing or refused (private mode, blocked site data): then the
  // conversation lasts as long as the page.
  function tokenStore(kind, key) {
    function storage() {
      try { return kind === "session" ? window.sessionStorage : window.localStorage; } catch (e) { return null; }
    }
    return {
      read: function () {
        try { var s = storage(); return s ? s.getItem(key) : null; } catch (e) { return null; }
      },
      write: function (id) {
        try {
          var s = storage();
          if (!s) { return; }
          if (id) { s.setItem(key, id); } else { s.removeItem(key); }
        } catch (e) { /* the conversation lasts for this page only */ }
      }
    };
  }

  /* options: {
       elements: {log, quick, input, sendButton, status} (required),
       emergencyNumber, apiBase ("" = this origin), storageKey, storage ("local" | "session"),
       credentials (fetch credentials, default "same-origin"), greeting,
       onNew(messages) (messages that arrived by the long poll, e.g. a clinician reply) } */
  function createChat(options) {
    var el = options.elements;
    var log = el.log;
    var quick = el.quick;
    var input = el.input;
    var sendButton = el.sendButton;
    var statusLine = el.status;
    var emergencyNumber = options.emergencyNumber || "";
    var apiBase = options.apiBase || "";
    var credentials = options.credentials || "same-origin";
    var greeting = options.greeting || DEFAULT_GREETING;
    var onNew = options.onNew || function () {};
    var store = tokenStore(options.storage, options.storageKey || "symcheck.conversation_id");

    var conversationId = store.read();
    var messages = {}; // seq -> message
    var lastSeq = 0;
    var sending = false;
    var pollGeneration = 0;
    var pollFailures = 0;

    function safeAdvice() {
      return "If this is an emergency, call " + emergencyNumber + " now.";
    }

    // Every error the patient sees ends with the emergency advice (the server adds it to its
    // own error messages; this covers proxies, network errors and anything else).
    function withSafeAdvice(text) {
      text = (text || "").trim();
      if (text.indexOf("call " + emergencyNumber) !== -1) { return text; }
      if (text && !/[.!?]$/.test(text)) { text += "."; }
      return (text ? text + " " : "") + safeAdvice();
    }

    function unavailableText() {
      return "Sorry, I can't reach the service right now. " + safeAdvice();
    }

    function errorText(status, data) {
      var message = data && data.error && typeof data.error.message === "string" ? data.error.message : "";
      if (message) { return withSafeAdvice(message); }
      if (status === 413) {
        return withSafeAdvice("Your message is too long to send. Please send a shorter message.");
      }
      if (status >= 400 && status < 500) {
        return withSafeAdvice("Sorry, your message could not be sent. Please try again.");
      }
      return unavailableText();
    }

    function bubble(author, text, extraClass) {
      var item = document.createElement("div");
      item.className = "msg author-" + author + (extraClass ? " " + extraClass : "");
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = (AUTHOR_LABELS[author] || author);
      var para = document.createElement("p");
      para.className = "text";
      para.textContent = text;
      item.appendChild(who);
      item.appendChild(para);
      return item;
    }

    function scrollToEnd() { log.scrollTop = log.scrollHeight; }

    // Adds the stored messages not shown yet, in seq order; returns the ones added.
    function renderStored(list) {
      var added = [];
      (list || []).forEach(function (m) {
        if (typeof m.seq !== "number" || messages[m.seq]) { return; }
        messages[m.seq] = m;
        if (m.seq > lastSeq) { lastSeq = m.seq; }
        var item = bubble(m.author, m.text);
        item.setAttribute("data-seq", String(m.seq));
        // keep seq order even if answers arrive out of order
        var next = null;
        var nodes = log.querySelectorAll("[data-seq]");
        for (var i = 0; i < nodes.length; i++) {
          if (Number(nodes[i].getAttribute("data-seq")) > m.seq) { next = nodes[i]; break; }
        }
        if (m.author === "patient") { removePending(); }
        log.insertBefore(item, next || firstTransient());
        added.push(m);
      });
      if (added.length) { renderQuickAnswers(); scrollToEnd(); }
      return added;
    }

    function firstTransient() { return log.querySelector(".transient"); }

    function removeAll(selector) {
      var nodes = log.querySelectorAll(selector);
      for (var i = 0; i < nodes.length; i++) { nodes[i].parentNode.removeChild(nodes[i]); }
    }

    function removePending() { removeAll(".pending"); }

    function showTransient(author, text) {
      log.appendChild(bubble(author, text, "transient"));
      scrollToEnd();
    }

    function clearTransient() { removeAll(".transient"); }

    function renderQuickAnswers() {
      while (quick.firstChild) { quick.removeChild(quick.firstChild); }
      var latest = messages[lastSeq];
      if (!latest || latest.author !== "bot" || !latest.buttons || !latest.buttons.length) { return; }
      latest.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "quick-answer";
        button.textContent = b.title;
        button.disabled = sending;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        quick.appendChild(button);
      });
    }

    function setBusy(busy, text) {
      sending = busy;
      sendButton.disabled = busy;
      var buttons = quick.querySelectorAll("button");
      for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = busy; }
      statusLine.textContent = text || "";
    }

    function request(path, init) {
      init.credentials = credentials;
      init.referrerPolicy = "no-referrer"; // the page the patient is on is none of our business
      init.headers = init.headers || {};
      init.headers.Accept = "application/json";
      return fetch(apiBase + path, init);
    }

    function getJSON(path) {
      return request(path, { method: "GET" }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          return { status: res.status, ok: res.ok, data: data };
        });
      });
    }

    function messagesPath(after, wait) {
      return "/api/web/conversations/" + encodeURIComponent(conversationId) +
        "/messages?after=" + after + (wait ? "&wait=" + wait : "");
    }

    function forgetConversation() {
      conversationId = null;
      store.write(null);
      messages = {};
      lastSeq = 0;
      pollGeneration += 1;
      while (log.firstChild) { log.removeChild(log.firstChild); }
      renderQuickAnswers();
      showWelcome();
    }

    function showWelcome() { showTransient("bot", greeting); }

    function sync() {
      if (!conversationId) { return Promise.resolve(); }
      return getJSON(messagesPath(lastSeq, 0)).then(function (r) {
        if (r.status === 404) { forgetConversation(); return; }
        if (r.ok && r.data) { renderStored(r.data.messages); }
      });
    }

    // After a failure, wait before asking again: 3 s, doubling up to a minute.
    function retryDelay(ok) {
      pollFailures = ok ? 0 : pollFailures + 1;
      return ok ? 0 : Math.min(RETRY_MS * Math.pow(2, pollFailures - 1), MAX_RETRY_MS);
    }

    function poll(generation) {
      if (generation !== pollGeneration || !conversationId) { return; }
      getJSON(messagesPath(lastSeq, POLL_WAIT_SECONDS)).then(function (r) {
        if (generation !== pollGeneration) { return; }
        if (r.status === 404) { forgetConversation(); return; }
        if (r.ok && r.data) {
          var added = renderStored(r.data.messages);
          if (added.length) { onNew(added); }
        }
        window.setTimeout(function () { poll(generation); }, retryDelay(r.ok));
      }).catch(function () {
        window.setTimeout(function () { poll(generation); }, retryDelay(false));
      });
    }

    function startPolling() {
      pollGeneration += 1;
      pollFailures = 0;
      poll(pollGeneration);
    }

    function send(text, shownText) {
      if (sending || !text.trim()) { return; }
      clearTransient();
      setBusy(true, "Sending...");
      log.appendChild(bubble("patient", shownText || text, "pending"));
      scrollToEnd();
      request("/api/web/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ conversation_id: conversationId, text: text })
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (res.status === 404 && conversationId) {
            // the conversation is gone (expired or deleted): start a new one with this message
            forgetConversation();
            setBusy(false);
            return send(text, shownText);
          }
          if (!res.ok || !data) {
            removePending();
            showTransient("system", errorText(res.status, data));
            return;
          }
          if (data.conversation_id !== conversationId) {
            conversationId = data.conversation_id;
            store.write(conversationId);
            startPolling();
          }
          if (data.message_seq === null) {
            removePending();
            data.messages.forEach(function (m) { showTransient(m.author, m.text); });
            return;
          }
          renderStored(data.messages);
          return sync();
        });
      }).catch(function () {
        removePending();
        showTransient("system", unavailableText());
      }).then(function () {
        setBusy(false);
        input.focus();
      });
    }

    // Enter sends, Shift+Enter is a new line.
    function bindComposer(form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = input.value;
        if (!text.trim()) { return; }
        input.value = "";
        send(text);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
        }
      });
    }

    // Shows the stored conversation (or the greeting) and listens for clinician replies.
    function start() {
      if (!conversationId) { showWelcome(); return; }
      sync().then(function () {
        if (conversationId) {
          if (lastSeq === 0) { showWelcome(); }
          startPolling();
        }
      }).catch(function () { startPolling(); });
    }

    return {
      send: send,
      bindComposer: bindComposer,
      start: start,
      forget: forgetConversation,
      scrollToEnd: scrollToEnd
    };
  }

  return { createChat: createChat, DEFAULT_GREETING: DEFAULT_GREETING };
}());
