/* TradeShield progressive enhancement. Every page works without this file. */
(function () {
  "use strict";

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#64748b";
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* Charts: <canvas data-chart="doughnut|bar|hbar|line" data-source="json-script-id"> */
  function drawCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var data = readJson(canvas.dataset.source);
      if (!data || !data.values || !data.values.length) return;
      canvas.dataset.drawn = "1";
      var kind = canvas.dataset.chart;
      var colours = (data.tones || []).map(function (t) { return cssVar("--tone-" + t); });
      if (!colours.length) colours = data.values.map(function () { return cssVar("--ts-brand"); });
      // Latin digits in every language, like the amounts printed on the page next to the chart.
      var fmt = new Intl.NumberFormat((document.documentElement.lang || "en") + "-u-nu-latn");
      // Right-to-left pages (Arabic): legend, tooltips and axes mirror like the rest of the layout.
      var rtl = document.documentElement.dir === "rtl";
      new window.Chart(canvas, {
        type: kind === "doughnut" ? "doughnut" : (kind === "line" ? "line" : "bar"),
        data: {
          labels: data.labels,
          datasets: [{ label: data.label || data.currency || "", data: data.values,
                       backgroundColor: kind === "line" ? colours[0] : colours, borderColor: colours[0],
                       tension: 0.2, stepped: kind === "line" ? "before" : undefined,
                       borderWidth: kind === "doughnut" ? 2 : 0, borderRadius: kind === "doughnut" ? 0 : 4,
                       maxBarThickness: 42 }]
        },
        options: {
          indexAxis: kind === "hbar" ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
          cutout: kind === "doughnut" ? "62%" : undefined,
          plugins: {
            legend: { display: kind === "doughnut", position: rtl ? "left" : "right", rtl: rtl, labels: { boxWidth: 12 } },
            tooltip: { rtl: rtl, callbacks: { label: function (ctx) {
              if (data.tooltips) return " " + data.tooltips[ctx.dataIndex];
              var value = ctx.parsed && typeof ctx.parsed === "object" ? (kind === "hbar" ? ctx.parsed.x : ctx.parsed.y) : ctx.parsed;
              return " " + fmt.format(value) + (data.currency ? " " + data.currency : "");
            } } }
          },
          scales: kind === "doughnut" ? {} : {
            x: { grid: { display: kind === "hbar" }, beginAtZero: true, reverse: rtl,
                 title: { display: !!data.axis, text: data.axis || "" } },
            y: { grid: { display: kind !== "hbar" }, beginAtZero: true, max: data.max || undefined, position: rtl ? "right" : "left" }
          }
        }
      });
    });
  }

  /* New order: show one line, reveal more with "Add line"; toggle the schedule and deposit fields. */
  function lineIsEmpty(row) {
    return Array.prototype.every.call(row.querySelectorAll("input, textarea"), function (input) {
      return !input.value || input.dataset.default === input.value;
    }) && !row.querySelector(".is-invalid");
  }

  function setupLines() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-line-row]"));
    var button = document.querySelector("[data-add-line]");
    if (!rows.length || !button) return;
    rows.forEach(function (row, index) {
      if (index > 0 && lineIsEmpty(row)) row.hidden = true;
    });
    function refresh() { button.hidden = !rows.some(function (r) { return r.hidden; }); }
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = rows.find(function (r) { return r.hidden; });
      if (next) {
        next.hidden = false;
        var first = next.querySelector("input");
        if (first) first.focus();
      }
      refresh();
    });
    refresh();
  }

  function setupToggles() {
    document.querySelectorAll("[data-toggle-group]").forEach(function (group) {
      var name = group.dataset.toggleGroup;
      var radios = document.querySelectorAll('input[name="' + name + '"]');
      function apply() {
        var checked = document.querySelector('input[name="' + name + '"]:checked');
        var value = checked ? checked.value : "";
        document.querySelectorAll('[data-show-when="' + name + '"]').forEach(function (el) {
          el.hidden = el.dataset.value !== value;
        });
      }
      radios.forEach(function (r) { r.addEventListener("change", apply); });
      apply();
    });
  }

  /* Copy buttons: <button data-copy="text"> */
  function setupCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!navigator.clipboard) return;
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          var label = button.querySelector("[data-copy-label]");
          if (label) label.textContent = button.dataset.copiedText || "Copied";
        });
      });
    });
  }

  /* Forms that need a second thought: <form data-confirm="message"> */
  function setupConfirm() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  /* Money-moving forms: disable the submit button after the first click (the server dedupes anyway). */
  function setupOnce() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    setupLines();
    setupToggles();
    setupCopy();
    setupConfirm();
    setupOnce();
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();
