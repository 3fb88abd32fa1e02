/* The patient web chat page: wires the page's elements to the shared chat logic
   (chat-core.js, loaded first). All message text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var input = document.getElementById("message");
  var chat = SymcheckChatCore.createChat({
    emergencyNumber: document.body.getAttribute("data-emergency-number") || "",
    storageKey: "symcheck.conversation_id",
    elements: {
      log: document.getElementById("log"),
      quick: document.getElementById("quick-answers"),
      input: input,
      sendButton: document.getElementById("send"),
      status: document.getElementById("status")
    }
  });

  chat.bindComposer(document.getElementById("composer"));

  document.getElementById("new-chat").addEventListener("click", function () {
    chat.forget();
    input.focus();
  });

  chat.start();
}());
