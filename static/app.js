// Guichet's only script of its own (the CSP refuses inline ones): the header's menu button on
// narrow screens, and the column names beside each cell when tables are shown as cards.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle button");
    var nav = document.querySelector(".site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        nav.classList.toggle("open", open);
      });
    }
    document.querySelectorAll("table").forEach(function (table) {
      var names = Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[i]); }
        });
      });
    });
    var summary = document.getElementById("error-summary");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  });
})();
