// « Copier pour la newsletter » / « Citer » (newsletter kit): copies a card variant or the citation; the comparison's
// « Copier ce tableau » block works the same way (its data-copied attribute says what was copied).
// Without this script the same controls are plain links and a form, and still work.
(function () {
  "use strict";
  var block = document.querySelector("[data-share]");
  if (!block || !navigator.clipboard) { return; }
  var status = block.querySelector(".share-status");
  function say(text) { if (status) { status.textContent = text; } }
  function copyHtml(html) {
    if (window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([html], { type: "text/plain" })
      });
      return navigator.clipboard.write([item]);
    }
    return navigator.clipboard.writeText(html);
  }
  block.querySelectorAll("a[data-copy]").forEach(function (link) {
    link.setAttribute("role", "button");
    link.textContent = "Copier en " + link.textContent;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(link.href, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (text) { return link.dataset.copy === "html" ? copyHtml(text) : navigator.clipboard.writeText(text); })
        .then(function () { say(block.dataset.copied || "Carte copiée : collez-la dans votre lettre d'information."); })
        .catch(function () { window.location.href = link.href; });
    });
  });
  block.querySelectorAll("button[data-copy-text]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copyText);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () { say("Citation copiée."); });
    });
  });
})();
