// Keyboard shortcuts for the study card: 1-9 pick, Enter submits, 2/3/4 grade, u undo, ? keys.
// Everything also works by mouse, touch and plain forms; this file only adds keys and focus.
(function () {
  "use strict";

  function card() {
    return document.getElementById("study-card");
  }

  function typingIn(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    if (target.tagName !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit"].indexOf(target.type) === -1;
  }

  function find(root, selector) {
    return root ? root.querySelector(selector) : null;
  }

  function toggleKeys(force) {
    var panel = document.getElementById("study-keys");
    var button = document.querySelector(".study-keys-toggle");
    if (!panel) return;
    var show = typeof force === "boolean" ? force : panel.hidden;
    panel.hidden = !show;
    if (button) button.setAttribute("aria-expanded", String(show));
  }

  function pick(root, key) {
    var choice = find(root, '[data-testid="choice"][data-key="' + key + '"]');
    if (!choice) return;
    var box = choice.querySelector('input[type="checkbox"]');
    if (box) {
      box.checked = !box.checked;
      box.focus();
      return;
    }
    root.querySelectorAll('button[data-testid="choice"]').forEach(function (other) {
      other.setAttribute("aria-pressed", String(other === choice));
    });
    choice.focus();
  }

  function submitAnswer(root) {
    var chosen = find(root, 'button[data-testid="choice"][aria-pressed="true"]');
    if (!chosen && document.activeElement && document.activeElement.matches &&
        document.activeElement.matches('button[data-testid="choice"]')) {
      chosen = document.activeElement;
    }
    // A click (not requestSubmit) so htmx sends the button's name and value.
    var button = chosen || find(root, '[data-testid="submit-answer"]');
    if (button) button.click();
  }

  function press(root, selector) {
    var target = find(root, selector);
    if (target) target.click();
    return Boolean(target);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (typingIn(event.target)) return;
    var root = card();
    if (!root) return;
    var key = event.key;
    var state = root.getAttribute("data-state");
    var handled = true;

    if (key === "?") {
      toggleKeys();
    } else if (key === "Escape") {
      toggleKeys(false);
      handled = false;
    } else if (key === "u" || key === "U") {
      handled = press(root, '[data-testid="undo"]');
    } else if (state === "question" && /^[1-9]$/.test(key)) {
      pick(root, key);
    } else if (state === "question" && key === "Enter") {
      submitAnswer(root);
    } else if (state === "feedback" && /^[234]$/.test(key)) {
      handled = press(root, '.grade-buttons [data-key="' + key + '"]');
    } else if (state === "feedback" && (key === "Enter" || key === " ")) {
      handled = press(root, '[data-testid="grade-good"]') || press(root, '[data-testid="next"]');
    } else {
      handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".study-keys-toggle")) toggleKeys();
  });

  // After htmx swaps the card, put focus where the next key press is meant to land.
  document.addEventListener("htmx:afterSettle", function () {
    var root = card();
    var target = find(root, '[data-testid="grade-good"]') || find(root, '[data-testid="next"]') ||
      find(root, ".question-stem");
    if (target) target.focus();
  });
})();
