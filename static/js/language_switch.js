// Switching the language comes back to the page as it now is: a page that
// changed its own address since it was served (the proposal form, once its
// draft is autosaved, is that draft's page) is reopened there, not at the
// address it was served from (a blank new form, and a second draft when the
// person typed again). A draft's typing not yet autosaved is saved first.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("[data-language-switch]")) return;
  form.elements.next.value = location.pathname + location.search + location.hash;
  var draft = document.getElementById("proposal-form");
  if (!draft || !window.htmx || form.dataset.saved) return;
  // Save now, then switch (once the saves have answered, or after three seconds).
  event.preventDefault();
  var chosen = event.submitter;
  var sent = false;
  function send() {
    if (sent) return;
    sent = true;
    form.dataset.saved = "true";
    form.elements.next.value = location.pathname + location.search + location.hash;
    form.requestSubmit(chosen);
  }
  // A save already on its way answers first, and this one is queued behind it
  // (hx-sync): switch once no save of the draft is under way any more.
  draft.addEventListener("htmx:afterRequest", function () {
    setTimeout(function () {
      if (!draft.classList.contains("htmx-request")) send();
    }, 50);
  });
  setTimeout(send, 3000);
  htmx.trigger(draft, "change");
});
