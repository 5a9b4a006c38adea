// The report request form offers CSV only for the kinds that are one table
// (the format select's data-csv-kinds, reports/forms.py): choosing another kind
// disables CSV and falls back to Excel, so the mismatch cannot be sent.
(function () {
  "use strict";
  document.querySelectorAll("select[data-csv-kinds]").forEach(function (format) {
    var kind = format.form && format.form.querySelector("select[name=kind]");
    var csv = format.querySelector("option[value=csv]");
    if (!kind || !csv) {
      return;
    }
    var oneTable = format.dataset.csvKinds.split(" ");
    function sync() {
      csv.disabled = oneTable.indexOf(kind.value) < 0;
      if (csv.disabled && format.value === "csv") {
        format.value = "xlsx";
      }
    }
    kind.addEventListener("change", sync);
    sync();
  });
})();
