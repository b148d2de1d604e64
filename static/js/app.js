// Site-wide htmx glue: when a request fails, say so instead of leaving the page unchanged.
(function () {
  "use strict";

  function show(message) {
    var box = document.getElementById("site-error");
    if (!box) return;
    box.textContent = message;  // text only: a server message is never parsed as HTML
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = type.indexOf("text/plain") === 0 || type.indexOf("text/html") === 0 && xhr.responseText.length < 300
      ? xhr.responseText.replace(/<[^>]*>/g, "").trim()
      : "";
    show(text || "That did not work (error " + xhr.status + "). Reload the page and try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    show("The server could not be reached. Check your connection and try again.");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var box = document.getElementById("site-error");
    if (box && event.detail.successful) box.hidden = true;
  });
})();
