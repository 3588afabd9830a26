(function () {
  var rows = JSON.parse(document.getElementById("gk-rows").textContent);
  var body = document.getElementById("reports").tBodies[0];
  var filter = document.getElementById("filter");
  var only = document.getElementById("only-failing");
  var more = document.getElementById("more");
  var count = document.getElementById("count");
  var config = JSON.parse(document.getElementById("gk-config").textContent);
  var files = config.files, page = config.page, fine = config.fine;
  var collator = new Intl.Collator("zh-CN", {numeric: true});
  // Names sort by their rank among the distinct names: one collation per name, not per comparison.
  ["c", "t"].forEach(function (f) {
    var names = Array.from(new Set(rows.map(function (r) { return r[f]; }))).sort(collator.compare);
    var rank = new Map(names.map(function (n, i) { return [n, i]; }));
    rows.forEach(function (r) { r[f + "r"] = rank.get(r[f]); });
  });
  rows.forEach(function (r, i) {
    r.i = i;
    r.h = [r.c, r.t, r.k, r.y, r.s, r.f.join(" "), r.m].join(" ").toLowerCase();
  });
  var keys = {county: "cr", township: "tr", year: "y", outcome: "o"};
  var shown = rows, limit = page, sortKey = null, sortDir = 1;
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function draw() {
    var frag = document.createDocumentFragment();
    shown.slice(0, limit).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = "o" + r.o;
      tr.setAttribute("data-key", r.k);
      cell(tr, r.c);
      var t = cell(tr, r.t);
      if (r.x) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "示例数据";
        t.appendChild(tag);
      }
      cell(tr, String(r.y));
      cell(tr, r.s, "outcome");
      var why = cell(tr, "", "why");
      r.f.concat(r.m ? [r.m] : []).forEach(function (line) {
        var d = document.createElement("div"); d.textContent = line; why.appendChild(d);
      });
      var links = cell(tr, "", "files");
      files.forEach(function (f, n) {
        if (r.l & (1 << n)) {
          var a = document.createElement("a");
          a.setAttribute("href", r.k + "/" + f[0]);
          a.textContent = f[1];
          links.appendChild(a);
        }
      });
      frag.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(frag);
    count.textContent = shown.length === rows.length
      ? "共 " + rows.length + " 份"
      : "找到 " + shown.length + " 份（共 " + rows.length + " 份）";
    if (shown.length > limit) count.textContent += "，显示前 " + limit + " 份";
    more.hidden = shown.length <= limit;
  }
  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var bad = only.checked;
    shown = rows.filter(function (r) {
      if (bad && r.o >= fine) return false;
      for (var i = 0; i < words.length; i++) if (r.h.indexOf(words[i]) < 0) return false;
      return true;
    });
    if (sortKey) order();
    limit = page;
    draw();
  }
  function order() {
    var k = sortKey, d = sortDir;
    shown.sort(function (a, b) { return (a[k] - b[k]) * d || a.i - b.i; });
  }
  filter.addEventListener("input", apply);
  only.addEventListener("change", apply);
  more.addEventListener("click", function () { limit += page; draw(); });
  Array.prototype.forEach.call(document.querySelectorAll("#reports th[data-sort]"), function (th) {
    th.addEventListener("click", function () {
      var k = keys[th.getAttribute("data-sort")];
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      order();
      draw();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-find]"), function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      filter.value = a.getAttribute("data-find");
      apply();
      filter.scrollIntoView();
    });
  });
  draw();
})();
