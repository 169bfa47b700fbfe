// Warns before the idle timeout (a modal dialog: focus moves into it and screen readers
// announce it), extends the session on request, and leads to the "signed out" page after.
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var timeout = parseInt(dialog.getAttribute("data-timeout"), 10) * 1000;
  var warn = parseInt(dialog.getAttribute("data-warn"), 10) * 1000;
  var warnTimer, endTimer;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () { if (!dialog.open) dialog.showModal(); }, timeout - warn);
    endTimer = setTimeout(function () {
      window.location.href = dialog.getAttribute("data-expired-url");
    }, timeout - 5000);
  }

  dialog.querySelector("[data-idle-extend]").addEventListener("click", function () {
    fetch(dialog.getAttribute("data-extend-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": dialog.getAttribute("data-csrf") }
    }).then(function (response) {
      if (response.ok) { dialog.close(); schedule(); }
      else { window.location.href = dialog.getAttribute("data-expired-url"); }
    });
  });
  dialog.addEventListener("cancel", function () { dialog.querySelector("[data-idle-extend]").click(); });
  schedule();
})();
