/* kzgraph site: facet filters and full-text search on the home page, with no server.
 *
 * The facet data (window.KZGRAPH_FACETS, assets/facets.js) lists, for every value of every
 * facet, the entries that `kzgraph sources` returns with that one filter; filters on different
 * facets combine by intersection (AND), exactly as the command's options do. The search
 * documents (window.KZGRAPH_SEARCH, assets/search-data.js) hold each entry's names,
 * descriptions and concept labels in English, Russian and Kazakh, indexed with MiniSearch.
 * The state is kept in the address (?topic=violence&language=kk&q=...), so it can be linked.
 */
(function () {
  "use strict";
  var data = window.KZGRAPH_FACETS;
  var form = document.getElementById("facets");
  var list = document.getElementById("results");
  if (!data || !form || !list) { return; }
  form.hidden = false;

  var n = data.entries.length;
  var items = [];
  data.entries.forEach(function (slug, i) { items[i] = document.getElementById("entry-" + slug); });
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var primary = document.getElementById("facet-primary-only");
  var search = document.getElementById("search");
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");

  function normalize(text) {
    return text.normalize("NFC").toLocaleLowerCase().replace(/ё/g, "е");
  }

  var index = null;
  if (window.MiniSearch && window.KZGRAPH_SEARCH) {
    index = new window.MiniSearch({
      fields: ["name", "description", "labels"],
      idField: "id",
      processTerm: function (term) { return normalize(term); },
      searchOptions: { prefix: true, combineWith: "AND", boost: { name: 3, labels: 1.5 } }
    });
    index.addAll(window.KZGRAPH_SEARCH);
  }

  function members(facet, key) {
    var source = (facet === "language" && primary && primary.checked) ? data.primary : data.facets[facet];
    return (source && source[key]) || [];
  }

  function searchHits() {
    var q = search ? search.value.trim() : "";
    if (!q || !index) { return null; }
    var hits = {};
    index.search(q).forEach(function (r) { hits[r.id] = true; });
    return hits;
  }

  // which entries pass every filter but `except` (a facet name, or null for all)
  function passing(except, hits) {
    var ok = [];
    for (var i = 0; i < n; i++) { ok[i] = !hits || hits[i] === true; }
    selects.forEach(function (sel) {
      var facet = sel.getAttribute("data-facet");
      if (facet === except || !sel.value) { return; }
      var keep = {};
      members(facet, sel.value).forEach(function (j) { keep[j] = true; });
      for (var i = 0; i < n; i++) { if (!keep[i]) { ok[i] = false; } }
    });
    return ok;
  }

  function total(ok) {
    var c = 0;
    for (var i = 0; i < n; i++) { if (ok[i]) { c++; } }
    return c;
  }

  function writeAddress() {
    var params = new URLSearchParams();
    if (search && search.value.trim()) { params.set("q", search.value.trim()); }
    selects.forEach(function (sel) { if (sel.value) { params.set(sel.getAttribute("data-facet"), sel.value); } });
    if (primary && primary.checked) { params.set("primary-only", "1"); }
    var query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (e) { /* some browsers refuse for file:// pages: the filters still work */ }
  }

  function update() {
    var hits = searchHits();
    var ok = passing(null, hits);
    var shown = 0;
    for (var i = 0; i < n; i++) {
      if (items[i]) { items[i].hidden = !ok[i]; }
      if (ok[i]) { shown++; }
    }
    selects.forEach(function (sel) {
      var facet = sel.getAttribute("data-facet");
      var base = passing(facet, hits);
      Array.prototype.forEach.call(sel.options, function (opt) {
        if (!opt.value) {
          opt.textContent = opt.getAttribute("data-any").replace("{n}", total(base));
          return;
        }
        var c = 0;
        members(facet, opt.value).forEach(function (j) { if (base[j]) { c++; } });
        opt.textContent = opt.getAttribute("data-label") + " (" + c + ")";
        opt.disabled = c === 0 && !opt.selected;
      });
    });
    count.textContent = count.getAttribute("data-template").replace("{n}", shown);
    list.setAttribute("data-shown", String(shown));
    if (none) { none.hidden = shown !== 0; }
    writeAddress();
  }

  // the state in the address: ?q=...&topic=...&language=...&primary-only=1
  var params = new URLSearchParams(location.search);
  selects.forEach(function (sel) {
    var wanted = params.get(sel.getAttribute("data-facet"));
    if (wanted && Array.prototype.some.call(sel.options, function (o) { return o.value === wanted; })) { sel.value = wanted; }
  });
  if (primary && params.get("primary-only")) { primary.checked = true; }
  if (search && params.get("q")) { search.value = params.get("q"); }

  form.addEventListener("change", update);
  form.addEventListener("reset", function () {
    if (search) { search.value = ""; }
    setTimeout(update, 0);
  });
  if (search) { search.addEventListener("input", update); }
  var searchForm = document.getElementById("search-form");
  if (searchForm) { searchForm.addEventListener("submit", function (e) { e.preventDefault(); update(); }); }
  document.documentElement.setAttribute("data-finder", "ready");
  update();
}());
