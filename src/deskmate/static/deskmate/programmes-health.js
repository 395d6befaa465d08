// Draws the programme health charts from the numbers the page also shows as tables.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("health-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var health = JSON.parse(source.textContent);
    var ink = "#0b5cad";
    var charts = [
      { id: "enrolment", rows: health.enrolment, type: "line" },
      { id: "states", rows: health.mentorship_states, type: "bar" },
      { id: "checkins", rows: health.checkins_per_pair, type: "bar" },
      { id: "milestones", rows: health.milestones_done_over_time, type: "line" },
      { id: "satisfaction", rows: health.satisfaction, type: "line", max: 5 }
    ];
    charts.forEach(function (spec) {
      var canvas = document.getElementById("chart-" + spec.id);
      if (!canvas || !spec.rows || !spec.rows.length) { return; }
      var scale = { beginAtZero: true };
      if (spec.max) { scale.max = spec.max; }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.rows.map(function (row) { return row.label; }),
          datasets: [{
            data: spec.rows.map(function (row) { return row.value; }),
            borderColor: ink,
            backgroundColor: spec.type === "bar" ? "rgba(11, 92, 173, 0.7)" : "rgba(11, 92, 173, 0.15)",
            fill: spec.type === "line",
            spanGaps: false,
            tension: 0.2
          }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
          plugins: { legend: { display: false } },
          scales: { y: scale }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
