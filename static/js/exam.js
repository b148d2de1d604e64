// The mock exam's countdown and keyboard. The server is the judge of time: this only shows the
// seconds left (from the timer's data-remaining-seconds) and reloads at zero, where the server
// submits the attempt. Every action also works with plain forms, without this file.
(function () {
  "use strict";

  var LOW_SECONDS = 300;

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function startTimer() {
    var timer = document.getElementById("exam-timer");
    if (!timer) return;
    var remaining = parseInt(timer.getAttribute("data-remaining-seconds"), 10);
    if (isNaN(remaining)) return;
    // Counted against the clock, not by ticks: a background tab's timers are throttled.
    var deadline = Date.now() + remaining * 1000;
    var interval = null;
    function tick() {
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      // Looked up each time: htmx's history restore (Back) puts in a new copy of the page.
      var current = document.getElementById("exam-timer");
      var value = current && current.querySelector(".exam-timer-value");
      if (value) {
        value.textContent = format(left);
        current.classList.toggle("is-low", left <= LOW_SECONDS);
      }
      if (left === 0) {
        window.clearInterval(interval);
        // The server sees the time is up, submits, and sends us to the result.
        window.location.reload();
      }
    }
    interval = window.setInterval(tick, 1000);
    tick();
  }

  function typingIn(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    if (target.tagName !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit"].indexOf(target.type) === -1;
  }

  function click(root, selector) {
    var element = root.querySelector(selector);
    if (element) element.click();
    return Boolean(element);
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    var card = document.getElementById("exam-question");
    if (!card) return;
    var handled = false;
    if (/^[1-9]$/.test(event.key)) {
      // A click, so the browser fires "change" and htmx saves the answer.
      handled = click(card, '[data-testid="choice"][data-key="' + event.key + '"] input');
    } else if (event.key === "n") {
      handled = click(card, '[data-testid="exam-next"]');
    } else if (event.key === "p") {
      handled = click(card, '[data-testid="exam-previous"]');
    } else if (event.key === "f") {
      handled = click(card, '[data-testid="flag"]');
    }
    if (handled) event.preventDefault();
  }

  function focusQuestion() {
    // After htmx swaps in another question, the button that was clicked is gone: put focus
    // on the new question so keyboard and screen reader users land on it.
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var stem = document.getElementById("exam-stem");
    if (stem) stem.focus();
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("htmx:afterSettle", focusQuestion);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startTimer);
  } else {
    startTimer();
  }
})();
