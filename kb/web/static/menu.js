// kb: Échap closes the phone menu and gives the focus back to its button. The menu is a <details>: it opens and closes
// without this script, which only adds the key.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.querySelector("details.menu[open]");
    if (!menu) { return; }
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
