// Draws the dashboard's charts from the JSON the page embeds (#dashboard-charts).
// Labels arrive translated; the tables beside each chart hold the same numbers,
// so the page still reads without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = charts[canvas.dataset.source];
    if (!data) {
      return;
    }
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: 2,
        animation: false,
        plugins: { legend: { display: data.datasets.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
