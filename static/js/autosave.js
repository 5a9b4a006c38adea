// Tell the worker when a draft could not be saved (no connection), so they
// know to keep the page open and try again; htmx retries on the next change.
document.addEventListener("htmx:sendError", function (event) {
  var status = document.getElementById("save-status");
  if (status && event.detail.elt && event.detail.elt.id === "proposal-form") {
    status.className = "small text-danger";
    status.textContent = status.dataset.offline || "Offline: not saved yet";
  }
});
