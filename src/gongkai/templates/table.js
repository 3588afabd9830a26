(function () {
  // The one script of the list pages (output/index.html, output/audit/index.html). Rows travel as JSON
  // (#gk-rows); sorting and filtering touch that array and only a page of rows is drawn, so 40,000 rows stay quick.
  // The table says what its rows are (data-kind), each sortable header the field it sorts by (data-by; text is
  // sorted by collation rank, a header with data-first="down" sorts descending first); #gk-config holds the rest.
  var table = document.getElementById("reports");
  var rows = JSON.parse(document.getElementById("gk-rows").textContent);
  var config = JSON.parse(document.getElementById("gk-config").textContent);
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var only = document.getElementById("only-failing");
  var more = document.getElementById("more");
  var count = document.getElementById("count");
  var page = config.page, words = config.count;
  var collator = new Intl.Collator("zh-CN", {numeric: true});

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function add(parent, tag, text, cls) {
    var e = document.createElement(tag);
    e.textContent = text;
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }

  // What differs between the pages: how a row is searched, when it counts as failing, and how it is drawn.
  var kinds = {
    index: {
      text: function (r) { return [r.c, r.t, r.k, r.y, r.s, r.f.join(" "), r.m]; },
      bad: function (r) { return r.o < config.fine; },
      draw: function (tr, r) {
        tr.className = "o" + r.o;
        tr.setAttribute("data-key", r.k);
        cell(tr, r.c);
        var t = cell(tr, r.t);
        if (r.x) add(t, "span", "示例数据", "tag");
        cell(tr, String(r.y));
        cell(tr, r.s, "outcome");
        var why = cell(tr, "", "why");
        r.f.concat(r.m ? [r.m] : []).forEach(function (line) { add(why, "div", line); });
        var links = cell(tr, "", "files");
        config.files.forEach(function (f, n) {
          if (r.l & (1 << n)) add(links, "a", f[1]).setAttribute("href", r.k + "/" + f[0]);
        });
      }
    },
    audit: {
      prepare: function (r) {
        // worst first: open errors, then open warnings, then files that are not reports
        r.w = r.e * 10000 + r.o * 10 + (r.s === 0 ? 0 : 1);
      },
      text: function (r) {
        return [r.f, r.b, r.y, r.m, config.status[r.s], r.v, r.x].concat(r.g.map(function (g) {
          return g[0] + " " + g[2] + " " + g[3];
        }));
      },
      bad: function (r) { return r.e || r.o || r.s; },
      draw: function (tr, r) {
        var statuses = config.status;
        tr.className = r.e ? "bad" : (r.o ? "warn" : (r.s ? "other" : "ok"));
        cell(tr, r.f);
        cell(tr, statuses[r.s] + (r.v ? "（" + r.v + "）" : ""));
        cell(tr, r.b || (r.s === 0 ? "机关未识别" : ""));
        cell(tr, r.y ? String(r.y) : (r.s === 0 ? "年度未识别" : ""));
        cell(tr, r.m);
        cell(tr, r.s ? "" : r.r + "/" + r.c, "num");
        cell(tr, r.s ? "" : String(r.l), "num");
        cell(tr, r.s ? "" : String(r.u) + (r.k ? "（连写 " + r.k + "）" : ""), "num");
        var why = cell(tr, "", "why");
        var facts = [];
        if (r.n.length) facts.push(r.n.join("、") + "：可用文件名规则、旁注文件或 --year 给出");
        if (r.d) facts.push("发布 " + (r.p || "日期不明") + "，期限 " + r.d);
        if (r.q) facts.push("上年：" + r.q + (r.h === null ? "" : "（文字相同 " + Math.round(r.h * 100) + "%）"));
        if (facts.length) add(why, "div", facts.join("；"), "facts");
        if (!r.g.length && !r.t.length && !facts.length) why.textContent = r.x || "—";
        var list = document.createElement("ul");
        var block = null;
        r.g.slice().sort(function (a, b) { return collator.compare(a[5], b[5]); }).forEach(function (g) {
          if (g[5] !== block) {
            block = g[5];
            add(list, "li", block, "block");
          }
          var li = add(list, "li", "", (g[1] ? "warning" : "error") + (g[4] ? " settled" : ""));
          add(li, "b", g[0]);
          li.appendChild(document.createTextNode(" " + g[2]));
          if (g[3]) add(li, "span", g[3], "note");
        });
        r.t.forEach(function (line) { add(list, "li", "过时的审阅决定：" + line, "stale"); });
        if (list.childNodes.length) why.appendChild(list);
        if ((r.g.length || r.t.length) && r.x) add(why, "div", r.x);
      }
    }
  };
  var kind = kinds[table.getAttribute("data-kind")];

  var headers = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"));
  rows.forEach(function (r, i) {
    r.i = i;
    if (kind.prepare) kind.prepare(r);
    r[" text"] = kind.text(r).join(" ").toLowerCase();
  });
  // Text sorts by its rank among the distinct values: one collation per value, not per comparison.
  var ranked = {};
  headers.forEach(function (th) {
    var f = th.getAttribute("data-by");
    if (ranked[f] || !rows.length || typeof rows[0][f] !== "string") return;
    var names = Array.from(new Set(rows.map(function (r) { return r[f]; }))).sort(collator.compare);
    var rank = new Map(names.map(function (n, i) { return [n, i]; }));
    ranked[f] = " " + f;
    rows.forEach(function (r) { r[ranked[f]] = rank.get(r[f]); });
  });

  var shown = rows, limit = page, sortKey = null, sortDir = 1;
  function say(text, n) {
    return text.replace("{shown}", n).replace("{all}", rows.length).replace("{limit}", limit);
  }
  function draw() {
    var frag = document.createDocumentFragment();
    shown.slice(0, limit).forEach(function (r) {
      var tr = document.createElement("tr");
      kind.draw(tr, r);
      frag.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(frag);
    count.textContent = say(shown.length === rows.length ? words.all : words.found, shown.length);
    if (shown.length > limit) count.textContent += say(words.first, shown.length);
    more.hidden = shown.length <= limit;
  }
  function apply() {
    var parts = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var bad = only.checked;
    shown = rows.filter(function (r) {
      if (bad && !kind.bad(r)) return false;
      for (var i = 0; i < parts.length; i++) if (r[" text"].indexOf(parts[i]) < 0) return false;
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
  headers.forEach(function (th) {
    var f = th.getAttribute("data-by"), k = ranked[f] || f;
    th.addEventListener("click", function () {
      sortDir = sortKey === k ? -sortDir : (th.getAttribute("data-first") === "down" ? -1 : 1);
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
