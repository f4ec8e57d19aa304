// « Ma sélection »: the selection lives in its address (/selection?ids=a,b,c), never here. This script only remembers
// the last selection this browser opened, so that « Ajouter à ma sélection » on another page adds to it instead of
// starting a new one, and says which records are in it already. Without it (or without storage) the same link opens a
// selection of that record alone, and the selection page's own search adds the others.
(function () {
  "use strict";
  var KEY = "kb-selection";
  var store;
  try {
    store = window.localStorage;
    store.getItem(KEY);
  } catch (e) {
    return;
  }
  var page = document.querySelector("[data-selection-ids]");
  if (page) {
    store.setItem(KEY, JSON.stringify({ ids: page.dataset.selectionIds, campaign: page.dataset.selectionCampaign || "" }));
    return;
  }
  var saved;
  try {
    saved = JSON.parse(store.getItem(KEY) || "{}") || {};
  } catch (e) {
    saved = {};
  }
  var ids = String(saved.ids || "").split(",").filter(function (id) { return /^[a-z0-9-]{1,80}$/.test(id); });
  if (!ids.length) { return; }
  document.querySelectorAll("a[data-select]").forEach(function (link) {
    var url = new URL(link.href, window.location.href);
    url.search = "";
    url.searchParams.set("ids", ids.join(","));
    if (saved.campaign) { url.searchParams.set("utm_campaign", String(saved.campaign)); }
    var label = link.querySelector(".label");
    if (ids.indexOf(link.dataset.select) >= 0) {
      link.classList.add("chosen");
      if (label) { label.textContent = "Dans ma sélection (" + ids.length + ")"; }
    } else {
      url.searchParams.set("ajouter", link.dataset.select);
      if (label) { label.textContent = "Ajouter à ma sélection (" + ids.length + ")"; }
    }
    link.href = url.pathname + url.search;
  });
})();
