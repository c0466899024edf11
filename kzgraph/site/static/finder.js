/* kzgraph site: facet filters and full-text search on the home page, with no server.
 *
 * The facet data (window.KZGRAPH_FACETS, assets/facets.js) lists, for every value of every
 * facet, the entries that `kzgraph sources` returns with that one filter; filters on different
 * facets combine by intersection (AND), exactly as the command's options do. The search
 * documents (window.KZGRAPH_SEARCH, assets/search-data.js) hold each entry's names,
 * descriptions and concept labels in English, Russian and Kazakh, indexed with MiniSearch.
 * Within one facet, ticked values combine with OR (as a repeated option or comma list does).
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
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][data-facet]"));
  var facetNames = [];
  boxes.forEach(function (box) {
    var f = box.getAttribute("data-facet");
    if (facetNames.indexOf(f) < 0) { facetNames.push(f); }
  });
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

  function chosen(facet) {
    return boxes.filter(function (b) { return b.checked && b.getAttribute("data-facet") === facet; })
      .map(function (b) { return b.value; });
  }

  function searchHits() {
    var q = search ? search.value.trim() : "";
    if (!q || !index) { return null; }
    var hits = {};
    index.search(q).forEach(function (r) { hits[r.id] = true; });
    return hits;
  }

  // which entries pass the search and every facet but `except`: within a facet any ticked
  // value (OR), across facets all of them (AND), as `kzgraph sources` combines its options
  function passing(except, hits) {
    var ok = [];
    for (var i = 0; i < n; i++) { ok[i] = !hits || hits[i] === true; }
    facetNames.forEach(function (facet) {
      var keys = chosen(facet);
      if (facet === except || keys.length === 0) { return; }
      var keep = {};
      keys.forEach(function (key) { members(facet, key).forEach(function (j) { keep[j] = true; }); });
      for (var i = 0; i < n; i++) { if (!keep[i]) { ok[i] = false; } }
    });
    return ok;
  }

  function writeAddress() {
    var params = new URLSearchParams();
    if (search && search.value.trim()) { params.set("q", search.value.trim()); }
    facetNames.forEach(function (facet) { chosen(facet).forEach(function (key) { params.append(facet, key); }); });
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
    facetNames.forEach(function (facet) {
      var base = passing(facet, hits);
      boxes.forEach(function (box) {
        if (box.getAttribute("data-facet") !== facet) { return; }
        var c = 0;
        members(facet, box.value).forEach(function (j) { if (base[j]) { c++; } });
        var label = box.parentNode.querySelector(".facet-count");
        if (label) { label.textContent = "(" + c + ")"; }
        box.parentNode.classList.toggle("empty", c === 0);
      });
    });
    count.textContent = count.getAttribute("data-template").replace("{n}", shown);
    list.setAttribute("data-shown", String(shown));
    if (none) { none.hidden = shown !== 0; }
    writeAddress();
  }

  // the state in the address: ?q=...&topic=violence&language=kk&language=ru&primary-only=1
  // (a repeated name or a comma list: any of the values, as on the command line)
  var params = new URLSearchParams(location.search);
  facetNames.forEach(function (facet) {
    var wanted = [];
    params.getAll(facet).forEach(function (v) { v.split(",").forEach(function (k) { if (k.trim()) { wanted.push(k.trim()); } }); });
    boxes.forEach(function (box) {
      if (box.getAttribute("data-facet") === facet && wanted.indexOf(box.value) >= 0) { box.checked = true; }
    });
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
