// A button with data-confirm="question" asks before its form is sent (for
// steps that cannot be undone: withdraw, delete, screening outcomes, ending a
// membership). With data-confirm-with="field", the question quotes what was
// typed in that field of the form (the reason kept with the step).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (!button) {
    return;
  }
  var question = button.dataset.confirm;
  var form = button.form;
  var name = button.dataset.confirmWith;
  if (name && form && form.elements[name] && form.elements[name].value.trim()) {
    question += "\n\n" + form.elements[name].value.trim();
  }
  if (!window.confirm(question)) {
    event.preventDefault();
  }
});
