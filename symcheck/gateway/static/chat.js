/* The patient web chat. All message text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var STORAGE_KEY = "symcheck.conversation_id";
  var POLL_WAIT_SECONDS = 25;

  var body = document.body;
  var emergencyNumber = body.getAttribute("data-emergency-number") || "";
  var log = document.getElementById("log");
  var quick = document.getElementById("quick-answers");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var newChatButton = document.getElementById("new-chat");

  var conversationId = readStoredId();
  var messages = {}; // seq -> message
  var lastSeq = 0;
  var sending = false;
  var pollGeneration = 0;

  var AUTHOR_LABELS = { patient: "You", bot: "Assistant", clinician: "Clinician", system: "Notice" };

  function readStoredId() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  function storeId(id) {
    try {
      if (id) { window.localStorage.setItem(STORAGE_KEY, id); } else { window.localStorage.removeItem(STORAGE_KEY); }
    } catch (e) { /* private mode: the conversation lasts for this page only */ }
  }

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

  function renderStored(list) {
    var added = false;
    list.forEach(function (m) {
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
      if (m.author === "patient") { removePending(m.text); }
      log.insertBefore(item, next || firstTransient());
      added = true;
    });
    if (added) { renderQuickAnswers(); scrollToEnd(); }
  }

  function firstTransient() { return log.querySelector(".transient"); }

  function removePending(text) {
    var pending = log.querySelectorAll(".pending");
    for (var i = 0; i < pending.length; i++) {
      pending[i].parentNode.removeChild(pending[i]);
    }
  }

  function showTransient(author, text) {
    log.appendChild(bubble(author, text, "transient"));
    scrollToEnd();
  }

  function clearTransient() {
    var nodes = log.querySelectorAll(".transient");
    for (var i = 0; i < nodes.length; i++) { nodes[i].parentNode.removeChild(nodes[i]); }
  }

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

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          return { status: res.status, ok: res.ok, data: data };
        });
      });
  }

  function messagesUrl(after, wait) {
    return "/api/web/conversations/" + encodeURIComponent(conversationId) +
      "/messages?after=" + after + (wait ? "&wait=" + wait : "");
  }

  function forgetConversation() {
    conversationId = null;
    storeId(null);
    messages = {};
    lastSeq = 0;
    pollGeneration += 1;
    while (log.firstChild) { log.removeChild(log.firstChild); }
    renderQuickAnswers();
    showWelcome();
  }

  function showWelcome() {
    showTransient("bot", "Hello. Tell me in a few words what is bothering you, and I will ask some questions and suggest what to do.");
  }

  function sync() {
    if (!conversationId) { return Promise.resolve(); }
    return getJSON(messagesUrl(lastSeq, 0)).then(function (r) {
      if (r.status === 404) { forgetConversation(); return; }
      if (r.ok && r.data) { renderStored(r.data.messages); }
    });
  }

  function poll(generation) {
    if (generation !== pollGeneration || !conversationId) { return; }
    getJSON(messagesUrl(lastSeq, POLL_WAIT_SECONDS)).then(function (r) {
      if (generation !== pollGeneration) { return; }
      if (r.status === 404) { forgetConversation(); return; }
      if (r.ok && r.data) { renderStored(r.data.messages); }
      window.setTimeout(function () { poll(generation); }, r.ok ? 0 : 3000);
    }).catch(function () {
      window.setTimeout(function () { poll(generation); }, 3000);
    });
  }

  function startPolling() {
    pollGeneration += 1;
    poll(pollGeneration);
  }

  function send(text, shownText) {
    if (sending || !text.trim()) { return; }
    clearTransient();
    setBusy(true, "Sending...");
    log.appendChild(bubble("patient", shownText || text, "pending"));
    scrollToEnd();
    var payload = JSON.stringify({ conversation_id: conversationId, text: text });
    fetch("/api/web/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: payload
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
          storeId(conversationId);
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

  newChatButton.addEventListener("click", function () {
    forgetConversation();
    input.focus();
  });

  if (conversationId) {
    sync().then(function () {
      if (conversationId) {
        if (lastSeq === 0) { showWelcome(); }
        startPolling();
      }
    }).catch(function () { startPolling(); });
  } else {
    showWelcome();
  }
}());
