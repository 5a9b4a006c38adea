// A button with data-confirm="question" asks before its form is sent (for
// steps that cannot be undone: withdraw, delete).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
