// A conversation's new messages without a reload: every 15 seconds while the page is in view,
// fetch the list again and put it in place. Without JavaScript the page works the same on reload.
(function () {
  "use strict";
  var box = document.getElementById("messages");
  if (!box || !box.dataset.poll || !window.fetch) { return; }
  var seconds = 15;
  function refresh() {
    if (document.visibilityState !== "visible") { return; }
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && html.trim() !== box.innerHTML.trim()) { box.innerHTML = html; }
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
