// Tell the worker when a draft could not be saved, so they know to keep the page
// open and try again (htmx saves again on the next change): no connection, an
// error answer, or a signed-out session (the answer is the login page).
(function () {
  function notSaved(event) {
    var status = document.getElementById("save-status");
    if (!status || !event.detail.elt || event.detail.elt.id !== "proposal-form") return;
    status.className = "small text-danger";
    status.textContent = status.dataset.offline || "Not saved";
  }
  document.addEventListener("htmx:sendError", notSaved);
  document.addEventListener("htmx:responseError", notSaved);
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      notSaved(event);
    }
  });
})();
