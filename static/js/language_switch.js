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
  // Save now, then switch (once the save has answered, or after a second).
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
  draft.addEventListener("htmx:afterRequest", send, { once: true });
  setTimeout(send, 1000);
  htmx.trigger(draft, "change");
});
