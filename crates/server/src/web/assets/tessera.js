// tessera's web page: copy buttons, confirmations, and telling other tabs about a logout.
// Every form works without this script; only copying to the clipboard needs it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById(button.getAttribute("data-copy") + "-status");
      if (!source || !navigator.clipboard) {
        return;
      }
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) {
          status.textContent = "Copied to the clipboard.";
        }
      }, function () {
        if (status) {
          status.textContent = "Could not copy: select the text and copy it.";
        }
      });
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  var channel = "BroadcastChannel" in window ? new BroadcastChannel("tessera") : null;
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (channel) {
        channel.postMessage("logout");
      }
    });
  });
  if (channel && document.querySelector("form[data-logout]")) {
    channel.onmessage = function (event) {
      if (event.data === "logout") {
        window.location.assign("/ui/login");
      }
    };
  }

  // A session ended elsewhere (another tab, another device, an admin) shows when the tab is
  // looked at again, not only at its next form.
  if (document.querySelector("form[data-logout]")) {
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") {
        return;
      }
      fetch("/ui/alive", { credentials: "same-origin" }).then(function (answer) {
        if (answer.redirected) {
          window.location.assign(answer.url);
        }
      }, function () {});
    });
  }
});
