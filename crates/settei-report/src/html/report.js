(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("settei-data").textContent);
  var root = document.documentElement;
  var PAGE = 200;
  var shown = PAGE;
  var STATUS = ["fail", "error", "muted", "pass"];
  var el = function (id) { return document.getElementById(id); };
  var sel = { severity: el("f-severity"), category: el("f-category"), provider: el("f-provider"), status: el("f-status") };
  var text = el("f-text"), list = el("finding-list"), more = el("more"), count = el("f-count");

  function lang() { return root.getAttribute("data-lang") === "en" ? "en" : "ja"; }
  function L() { return D.labels[lang()]; }
  function node(tag, cls, content) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (content !== undefined && content !== null) n.textContent = String(content);
    return n;
  }
  function fill(select, options) {
    var keep = select.value;
    while (select.firstChild) select.removeChild(select.firstChild);
    var all = node("option", null, L().all);
    all.value = "";
    select.appendChild(all);
    options.forEach(function (o) {
      var op = node("option", null, o[1]);
      op.value = String(o[0]);
      select.appendChild(op);
    });
    select.value = keep;
  }
  function buildFilters() {
    fill(sel.severity, L().severities.map(function (s, i) { return [i, s]; }));
    fill(sel.category, D.categories.map(function (c) { return [c[0], c[0] + " " + (lang() === "en" ? c[2] : c[1])]; }));
    fill(sel.provider, D.providers.map(function (p) { return [p, p]; }));
    fill(sel.status, L().statuses.map(function (s, i) { return [i, s]; }));
  }
  function catName(id) {
    for (var i = 0; i < D.categories.length; i++) {
      if (D.categories[i][0] === id) return id + " " + (lang() === "en" ? D.categories[i][2] : D.categories[i][1]);
    }
    return id;
  }
  function matches(f, q) {
    if (sel.severity.value !== "" && String(f[2]) !== sel.severity.value) return false;
    if (sel.category.value !== "" && f[3] !== sel.category.value) return false;
    if (sel.provider.value !== "" && f[4] !== sel.provider.value) return false;
    if (sel.status.value !== "" && String(f[1]) !== sel.status.value) return false;
    if (q) {
      var r = D.rules[f[0]];
      var hay = (r[0] + " " + r[1] + " " + r[2] + " " + f[5] + " " + f[6] + " " + f[7] + " " + f[8] + " " + f[9]).toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    return true;
  }
  function line(label, value) {
    var d = node("div", "kvline");
    d.appendChild(node("b", null, label + ":"));
    d.appendChild(document.createTextNode(value));
    return d;
  }
  function card(f) {
    var r = D.rules[f[0]], l = L(), en = lang() === "en";
    var c = node("div", "finding s-" + STATUS[f[1]]);
    c.setAttribute("data-finding-id", f[11]);
    var h = node("div", "head");
    h.appendChild(node("span", "badge s-" + STATUS[f[1]], l.statuses[f[1]]));
    h.appendChild(node("span", "sev", l.severities[f[2]]));
    h.appendChild(node("span", "title", en ? r[2] : r[1]));
    h.appendChild(node("span", "rid", r[0]));
    c.appendChild(h);
    c.appendChild(node("div", "res", f[6] + "  (" + f[5] + ", " + f[7] + ")"));
    if (f[8]) c.appendChild(line(l.evidence, f[8]));
    if (f[9]) c.appendChild(line(l.tags, f[9]));
    if (f[10] && f[10].error) c.appendChild(line("ERROR", f[10].error));
    if (f[10] && f[10].mute) c.appendChild(line(l.reason, f[10].mute[0] + " / " + l.owner + ": " + f[10].mute[1] + " / " + l.expires + ": " + f[10].mute[2]));
    if (f[1] !== 3) {
      var rem = en ? r[4] : r[3];
      if (r[5]) rem += "\n$ " + r[5];
      var d = node("div", "remed");
      d.appendChild(node("b", null, l.remediation + ": "));
      d.appendChild(document.createTextNode(rem));
      c.appendChild(d);
    }
    return c;
  }
  function render() {
    var q = text.value.trim().toLowerCase();
    var hits = D.findings.filter(function (f) { return matches(f, q); });
    var n = Math.min(shown, hits.length);
    var frag = document.createDocumentFragment();
    var cat = null;
    for (var i = 0; i < n; i++) {
      if (hits[i][3] !== cat) {
        cat = hits[i][3];
        frag.appendChild(node("h3", null, catName(cat)));
      }
      frag.appendChild(card(hits[i]));
    }
    while (list.firstChild) list.removeChild(list.firstChild);
    list.appendChild(frag);
    var l = L();
    count.textContent = lang() === "en" ? n + " " + l.shown + " " + l.of + " " + hits.length : hits.length + " " + l.of + " " + n + " " + l.shown;
    count.setAttribute("data-matching", String(hits.length));
    more.hidden = n >= hits.length;
    more.textContent = l.more;
  }
  function setLang(l) {
    root.setAttribute("data-lang", l);
    root.setAttribute("lang", l);
    buildFilters();
    render();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-set-lang]"), function (b) {
    b.addEventListener("click", function () { setLang(b.getAttribute("data-set-lang")); });
  });
  Object.keys(sel).forEach(function (k) {
    sel[k].addEventListener("change", function () { shown = PAGE; render(); });
  });
  text.addEventListener("input", function () { shown = PAGE; render(); });
  el("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  more.addEventListener("click", function () { shown += PAGE; render(); });
  buildFilters();
  render();
  root.setAttribute("data-ready", "1");
})();
