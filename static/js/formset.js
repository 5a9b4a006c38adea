// "Add a row" for Django formsets: a button with data-add-row="<prefix>",
// data-template="<id of a <template>>" and data-rows="<id of the rows' container>"
// clones the template, numbers it and bumps the formset's TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const total = document.getElementById(`id_${button.dataset.addRow}-TOTAL_FORMS`);
  const template = document.getElementById(button.dataset.template);
  const rows = document.getElementById(button.dataset.rows);
  const index = Number(total.value);
  rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
  total.value = String(index + 1);
  // A new row's pickers (static/js/picker.js) are set up on this event.
  rows.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
});
