/* Clinician dashboard: live queue and case page. Text goes in with textContent only. */
(function () {
  "use strict";

  var WAIT_SECONDS = 25;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var page = document.body.getAttribute("data-page");

  function request(method, url, body) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = csrfToken;
      headers["Content-Type"] = "application/json";
    }
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      if (res.status === 401) { window.location.assign("/dashboard/login"); }
      return res.json().catch(function () { return null; }).then(function (data) {
        return { ok: res.ok, status: res.status, data: data };
      });
    });
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = value;
    return node;
  }

  function minutesSince(iso) {
    var ms = Date.now() - Date.parse(iso);
    return Math.max(0, Math.floor(ms / 60000));
  }

  /* ---- queue ---- */

  function renderQueue(cases) {
    var tbody = document.getElementById("queue-body");
    var empty = document.getElementById("queue-empty");
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    cases.forEach(function (c) {
      var row = document.createElement("tr");
      row.setAttribute("data-case-id", c.id);
      row.className = "urgency-" + c.urgency;
      var badgeCell = document.createElement("td");
      badgeCell.appendChild(text("span", c.urgency_label, "badge urgency-" + c.urgency));
      row.appendChild(badgeCell);
      row.appendChild(text("td", c.reason_label));
      row.appendChild(text("td", c.chief_complaint || "-"));
      var waiting = text("td", minutesSince(c.waiting_since) + " min", "waiting");
      waiting.setAttribute("data-since", c.waiting_since);
      row.appendChild(waiting);
      row.appendChild(text("td", c.status + (c.claimed_by ? " (" + c.claimed_by + ")" : "")));
      var open = document.createElement("td");
      var link = text("a", "Open");
      link.href = "/dashboard/cases/" + encodeURIComponent(c.id);
      open.appendChild(link);
      row.appendChild(open);
      tbody.appendChild(row);
    });
    empty.hidden = cases.length > 0;
  }

  function tickWaiting() {
    var cells = document.querySelectorAll("td.waiting[data-since]");
    for (var i = 0; i < cells.length; i++) {
      cells[i].textContent = minutesSince(cells[i].getAttribute("data-since")) + " min";
    }
  }

  function pollQueue(version) {
    var url = "/dashboard/api/queue?wait=" + WAIT_SECONDS + "&since=" + encodeURIComponent(version || "");
    request("GET", url).then(function (r) {
      if (r.ok && r.data) {
        renderQueue(r.data.cases);
        document.getElementById("queue-status").textContent = "";
        window.setTimeout(function () { pollQueue(r.data.version); }, 0);
      } else {
        window.setTimeout(function () { pollQueue(version); }, 3000);
      }
    }).catch(function () {
      document.getElementById("queue-status").textContent = "Connection lost; retrying...";
      window.setTimeout(function () { pollQueue(version); }, 3000);
    });
  }

  /* ---- case ---- */

  function initCase() {
    var root = document.getElementById("case");
    var caseId = root.getAttribute("data-case-id");
    var lastSeq = Number(root.getAttribute("data-last-seq")) || 0;
    var transcript = document.getElementById("transcript");
    var statusLine = document.getElementById("action-status");
    var caseStatus = document.getElementById("case-status");
    var claimButton = document.getElementById("claim");
    var resolveButton = document.getElementById("resolve");
    var replyForm = document.getElementById("reply-form");
    var replyBox = document.getElementById("reply");
    var base = "/dashboard/api/cases/" + encodeURIComponent(caseId);
    var closed = root.getAttribute("data-status") === "resolved";

    function addMessage(m) {
      if (m.seq <= lastSeq) { return; }
      lastSeq = m.seq;
      var item = document.createElement("li");
      item.className = "msg author-" + m.author;
      item.setAttribute("data-seq", String(m.seq));
      item.appendChild(text("span", m.author, "who"));
      item.appendChild(document.createTextNode(" "));
      var time = text("time", (m.created_at || "").slice(11, 16));
      time.setAttribute("datetime", m.created_at || "");
      item.appendChild(time);
      item.appendChild(text("p", m.text, "text"));
      (m.attachments || []).forEach(function (a) {
        var figure = document.createElement("figure");
        figure.className = "attachment";
        if (a.url) {
          var img = document.createElement("img");
          img.src = a.url;
          img.alt = a.label;
          img.loading = "lazy";
          figure.appendChild(img);
        }
        figure.appendChild(text("figcaption", a.label));
        item.appendChild(figure);
      });
      var delivery = text("p", m.delivery_label || "", "delivery");
      delivery.hidden = !m.delivery_label;
      item.appendChild(delivery);
      transcript.appendChild(item);
      item.scrollIntoView({ block: "nearest" });
    }

    function showDelivery(states) {
      var labels = {};
      (states || []).forEach(function (d) { labels[d.seq] = d.label || ""; });
      var items = transcript.querySelectorAll("li[data-seq]");
      for (var i = 0; i < items.length; i++) {
        var seq = Number(items[i].getAttribute("data-seq"));
        var node = items[i].querySelector(".delivery");
        if (!node) { continue; }
        node.textContent = labels[seq] || "";
        node.hidden = !labels[seq];
      }
    }

    function setStatus(status) {
      caseStatus.textContent = status;
      claimButton.disabled = status !== "waiting";
      if (status === "resolved") {
        closed = true;
        resolveButton.disabled = true;
        replyBox.disabled = true;
        replyForm.querySelector("button").disabled = true;
      }
    }

    function poll() {
      if (closed) { return; }
      request("GET", base + "/messages?after=" + lastSeq + "&wait=" + WAIT_SECONDS).then(function (r) {
        if (r.ok && r.data) {
          r.data.messages.forEach(addMessage);
          showDelivery(r.data.delivery);
          setStatus(r.data.case.status);
          window.setTimeout(poll, 0);
        } else if (r.status !== 404) {
          window.setTimeout(poll, 3000);
        }
      }).catch(function () { window.setTimeout(poll, 3000); });
    }

    function failed(r) {
      statusLine.textContent = (r.data && r.data.error && r.data.error.message) || "That did not work; please try again.";
    }

    claimButton.addEventListener("click", function () {
      request("POST", base + "/claim").then(function (r) {
        if (r.ok) { setStatus(r.data.case.status); statusLine.textContent = "You have claimed this case."; } else { failed(r); }
      });
    });

    resolveButton.addEventListener("click", function () {
      resolveButton.disabled = true;
      request("POST", base + "/resolve").then(function (r) {
        if (r.ok) { setStatus("resolved"); statusLine.textContent = "Case resolved. The patient has been told the chat is closed."; } else { resolveButton.disabled = false; failed(r); }
      });
    });

    replyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = replyBox.value;
      if (!value.trim()) { return; }
      request("POST", base + "/reply", { text: value }).then(function (r) {
        if (r.ok) {
          replyBox.value = "";
          addMessage(r.data.message);
          setStatus("active");
          statusLine.textContent = "Reply sent.";
        } else { failed(r); }
      });
    });

    replyBox.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        replyForm.requestSubmit();
      }
    });

    poll();
  }

  if (page === "queue") {
    pollQueue("");
    window.setInterval(tickWaiting, 30000);
  } else if (page === "case") {
    initCase();
  }
}());
