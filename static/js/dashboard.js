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
  var counts = { beginAtZero: true, ticks: { precision: 0 } };
  var LINE_HEIGHT = 16; // px per line of a label, Chart.js's 12 px font with spacing
  var ROW_GAP = 10; // px between two categories
  var AXIS_AND_LEGEND = 50; // px for the count axis below and the legend above

  // Every label is drawn. Chart.js skips those that do not fit unless told not
  // to, and a narrow card (a 1024 px screen, a phone) lost categories and months.
  function options(type, data, canvas) {
    var common = {
      responsive: true,
      animation: false,
      plugins: { legend: { display: data.datasets.length > 1 } },
    };
    if (type === "bar") {
      return Object.assign(common, {
        indexAxis: "y",
        maintainAspectRatio: false, // as tall as its rows (`rowsHeight`)
        scales: { x: counts, y: { ticks: { autoSkip: false } } },
      });
    }
    // Months along the bottom, turned upright when the card is narrow; across
    // the page's width (the year by month) a flatter chart, not 500 px tall.
    return Object.assign(common, {
      maintainAspectRatio: true,
      aspectRatio: canvas.clientWidth > 700 ? 4 : 2,
      scales: { x: { ticks: { autoSkip: false, maxRotation: 90 } }, y: counts },
    });
  }

  // Categories run down the side, one row each and a long name on two lines,
  // so the chart needs a height for its rows whatever its width.
  function rowsHeight(data) {
    data.labels = data.labels.map(function (label) {
      return label.indexOf(" ") === -1 ? label : label.split(" ");
    });
    var lines = data.labels.reduce(function (sum, label) {
      return sum + (Array.isArray(label) ? label.length : 1);
    }, 0);
    return lines * LINE_HEIGHT + data.labels.length * ROW_GAP + AXIS_AND_LEGEND;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = charts[canvas.dataset.source];
    if (!data) {
      return;
    }
    var type = canvas.dataset.chart;
    if (type === "bar") {
      // Chart.js sizes a chart without a fixed ratio to its parent, which must
      // hold nothing else and be positioned.
      var box = document.createElement("div");
      box.style.position = "relative";
      box.style.height = rowsHeight(data) + "px";
      canvas.parentNode.insertBefore(box, canvas);
      box.appendChild(canvas);
    }
    new Chart(canvas, { type: type, data: data, options: options(type, data, canvas) });
  });
})();
