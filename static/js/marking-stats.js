// Statistics charts: drawn by Chart.js from the page's JSON data island. The same figures are
// in the tables under each chart, which is what screen readers and printouts use.
(function () {
  "use strict";
  var island = document.getElementById("chart-data");
  if (!island || typeof window.Chart === "undefined") return;
  var data = JSON.parse(island.textContent);
  var accent = "#7a2e1f";
  var muted = "#e4dccd";
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false } },
  };

  var distribution = document.getElementById("distribution-chart");
  if (distribution) {
    new window.Chart(distribution, {
      type: "bar",
      data: {
        labels: data.distribution.labels,
        datasets: [{ label: "Students", data: data.distribution.counts, backgroundColor: accent }],
      },
      options: Object.assign({}, common, {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Students" } } },
      }),
    });
  }

  var criteria = document.getElementById("criteria-chart");
  if (criteria) {
    new window.Chart(criteria, {
      type: "bar",
      data: {
        labels: data.criteria.labels,
        datasets: [
          { label: "Average", data: data.criteria.averages, backgroundColor: accent },
          { label: "Out of", data: data.criteria.maxima, backgroundColor: muted },
        ],
      },
      options: Object.assign({}, common, {
        indexAxis: "y",
        plugins: { legend: { display: true, position: "bottom" } },
        scales: { x: { beginAtZero: true } },
      }),
    });
  }
})();
