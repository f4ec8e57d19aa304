// « Copier pour la newsletter » / « Citer » (newsletter kit): copies the link, a card variant or the citation; the
// comparison's « Copier ce tableau » block works the same way (its data-copied attribute says what was copied).
// Without this script the same controls are a field to select, plain links and a form, and still work.
(function () {
  "use strict";
  var block = document.querySelector("[data-share]");
  if (!block) { return; }
  // The card preview's frame takes the card's height (same site), so that nothing of the card is cut off.
  var frame = block.querySelector(".card-preview iframe");
  function fit() {
    var doc = frame.contentDocument;
    if (!doc || !doc.documentElement) { return; }
    frame.style.height = "auto";
    frame.style.height = doc.documentElement.scrollHeight + 2 + "px";
  }
  if (frame) {
    frame.addEventListener("load", fit);
    window.addEventListener("resize", fit);
  }
  if (!navigator.clipboard) { return; }
  var status = block.querySelector(".share-status");
  function say(text) { if (status) { status.textContent = text; } }
  // Each text is fetched once, from the moment a reader points at or focuses its control: it is there on click.
  var fetched = {};
  function fetchText(url) {
    if (!fetched[url]) {
      fetched[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      });
      fetched[url].catch(function () { delete fetched[url]; });
    }
    return fetched[url];
  }
  // A card's address opens a complete document: a newsletter takes the block between its body tags, never its head.
  function bodyOf(html) {
    var match = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
    return match ? match[1].trim() : html;
  }
  // The HTML card goes to the clipboard's HTML slot and the text card (carte.txt) to its plain-text slot, so that
  // pasting into a plain-text field gives readable text, never markup. It goes as it is, through a copy event:
  // navigator.clipboard.write() parses HTML into this page first, where the page's Content-Security-Policy refuses
  // each inline style of an e-mail card (one console error per style attribute). ClipboardItem stays the fallback.
  function copyHtml(html, text) {
    var done = false;
    function put(event) {
      event.clipboardData.setData("text/html", html);
      event.clipboardData.setData("text/plain", text);
      event.preventDefault();
      done = true;
    }
    document.addEventListener("copy", put);
    try { document.execCommand("copy"); } catch (e) { done = false; }
    document.removeEventListener("copy", put);
    if (done) { return Promise.resolve(); }
    if (window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      });
      return navigator.clipboard.write([item]);
    }
    return navigator.clipboard.writeText(text);
  }
  block.querySelectorAll("a[data-copy]").forEach(function (link) {
    link.setAttribute("role", "button");
    link.textContent = link.dataset.label || "Copier en " + link.textContent;
    ["pointerdown", "focus"].forEach(function (type) {
      link.addEventListener(type, function () {
        fetchText(link.href).catch(function () {});
        if (link.dataset.text) { fetchText(link.dataset.text).catch(function () {}); }
      });
    });
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var copied;
      if (link.dataset.copy === "html" && link.dataset.text) {
        copied = Promise.all([fetchText(link.href), fetchText(link.dataset.text)]).then(function (both) {
          return copyHtml(bodyOf(both[0]), both[1]);
        });
      } else if (link.dataset.copy === "html") {
        // A block without a text version (the comparison's table) puts the HTML in both slots.
        copied = fetchText(link.href).then(function (html) { return copyHtml(bodyOf(html), bodyOf(html)); });
      } else {
        copied = fetchText(link.href).then(function (text) { return navigator.clipboard.writeText(text); });
      }
      copied
        .then(function () { say(block.dataset.copied || "Carte copiée : collez-la dans votre lettre d'information."); })
        .catch(function () { window.location.href = link.href; });
    });
  });
  block.querySelectorAll("button[data-copy-text]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copyText);
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.value !== undefined ? source.value : source.textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        say(source.tagName === "INPUT" ? "Lien copié." : "Citation copiée.");
      });
    });
  });
})();
