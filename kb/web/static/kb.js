// kb: search suggestions as you type on the home page. An enhancement only: the form works without it.
// Titles are inserted with textContent (never as HTML) and links keep only same-site paths.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch || !window.URL) { return; }
  var box = document.getElementById(input.getAttribute("data-suggest"));
  if (!box) { return; }
  // The API's search address comes from the page (its one owner is the app's URL table).
  var endpoint = input.getAttribute("data-endpoint");
  if (!endpoint) { return; }
  var timer = null;
  var pending = "";

  function clear() { box.textContent = ""; }

  function show(hits) {
    clear();
    var links = [];
    hits.forEach(function (hit) {
      var url = new URL(hit.url, window.location.href);
      if (url.origin === window.location.origin) { links.push([url.pathname, hit.title]); }
    });
    if (!links.length) { return; }
    var title = document.createElement("p");
    title.textContent = links.length > 1 ? links.length + " suggestions :" : "1 suggestion :";
    var list = document.createElement("ul");
    links.forEach(function (link) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = link[0];
      a.textContent = link[1];
      item.appendChild(a);
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
  }

  function query(text) {
    // The last word is still being typed: search it as a word start (« fonc » → « fonc* »).
    var words = text.split(/\s+/);
    var last = words[words.length - 1];
    if (last.length >= 3 && !/[*"]$/.test(last)) { words[words.length - 1] = last + "*"; }
    return words.join(" ");
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 3) { pending = ""; clear(); return; }
    timer = window.setTimeout(function () {
      var q = query(text);
      pending = q;
      fetch(endpoint + "?limit=5&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { data: [] }; })
        .then(function (body) { if (pending === q) { show(body.data || []); } })
        .catch(clear);
    }, 200);
  });
})();
