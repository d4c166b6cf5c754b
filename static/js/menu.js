// The menu toggle of the top bar: on small screens the menu folds behind the "Menu" button. Loaded right
// after the header, so the menu is folded before the page below is drawn; without this script the menu is
// simply always open.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) return;
  document.documentElement.classList.add("menu-folds");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
})();
