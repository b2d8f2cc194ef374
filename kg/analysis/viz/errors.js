window.__kgErrors = [];
window.addEventListener("error", function (e) {
  window.__kgErrors.push(String(e.message || e));
  document.documentElement.setAttribute("data-errors", String(window.__kgErrors.length));
  document.documentElement.removeAttribute("data-ok");
});