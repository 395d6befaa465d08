// On a narrow screen the main navigation starts folded behind its "Menu" button.
(function () {
  var narrow = window.matchMedia("(max-width: 800px)");
  function fold() {
    var menu = document.querySelector("details.menu");
    if (menu) { menu.open = !narrow.matches; }
  }
  document.addEventListener("DOMContentLoaded", fold);
  narrow.addEventListener("change", fold);
})();
