(function () {
  // The audit's rows travel as JSON; sorting and filtering touch this array, and only a page of rows is drawn.
  var rows = JSON.parse(document.getElementById("gk-rows").textContent);
  var config = JSON.parse(document.getElementById("gk-config").textContent);
  var body = document.getElementById("reports").tBodies[0];
  var filter = document.getElementById("filter");
  var only = document.getElementById("only-failing");
  var more = document.getElementById("more");
  var count = document.getElementById("count");
  var page = config.page, statuses = config.status;
  var collator = new Intl.Collator("zh-CN", {numeric: true});
  ["f", "b"].forEach(function (f) {
    var names = Array.from(new Set(rows.map(function (r) { return r[f]; }))).sort(collator.compare);
    var rank = new Map(names.map(function (n, i) { return [n, i]; }));
    rows.forEach(function (r) { r[f + "r"] = rank.get(r[f]); });
  });
  rows.forEach(function (r, i) {
    r.i = i;
    // worst first: open errors, then open warnings, then files that are not reports
    r.w = r.e * 10000 + r.o * 10 + (r.s === 0 ? 0 : 1);
    r.z = [r.f, r.b, r.y, r.m, statuses[r.s], r.v, r.x].concat(r.g.map(function (g) {
      return g[0] + " " + g[2] + " " + g[3];
    })).join(" ").toLowerCase();
  });
  var keys = {file: "fr", status: "s", body: "br", year: "y", read: "r", blank: "l", unreadable: "u", findings: "w"};
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
      if (facts.length) {
        var f = document.createElement("div"); f.className = "facts"; f.textContent = facts.join("；"); why.appendChild(f);
      }
      if (!r.g.length && !r.t.length && !facts.length) why.textContent = r.x || "—";
      var list = document.createElement("ul");
      var block = null;
      r.g.slice().sort(function (a, b) { return collator.compare(a[5], b[5]); }).forEach(function (g) {
        if (g[5] !== block) {
          block = g[5];
          var head = document.createElement("li");
          head.className = "block";
          head.textContent = block;
          list.appendChild(head);
        }
        var li = document.createElement("li");
        li.className = (g[1] ? "warning" : "error") + (g[4] ? " settled" : "");
        var b = document.createElement("b");
        b.textContent = g[0];
        li.appendChild(b);
        li.appendChild(document.createTextNode(" " + g[2]));
        if (g[3]) {
          var note = document.createElement("span");
          note.className = "note";
          note.textContent = g[3];
          li.appendChild(note);
        }
        list.appendChild(li);
      });
      r.t.forEach(function (line) {
        var li = document.createElement("li");
        li.className = "stale";
        li.textContent = "过时的审阅决定：" + line;
        list.appendChild(li);
      });
      if (list.childNodes.length) why.appendChild(list);
      if ((r.g.length || r.t.length) && r.x) {
        var d = document.createElement("div"); d.textContent = r.x; why.appendChild(d);
      }
      frag.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(frag);
    count.textContent = shown.length === rows.length
      ? "共 " + rows.length + " 个文件"
      : "找到 " + shown.length + " 个（共 " + rows.length + " 个）";
    if (shown.length > limit) count.textContent += "，显示前 " + limit + " 个";
    more.hidden = shown.length <= limit;
  }
  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var bad = only.checked;
    shown = rows.filter(function (r) {
      if (bad && !r.e && !r.o && !r.s) return false;
      for (var i = 0; i < words.length; i++) if (r.z.indexOf(words[i]) < 0) return false;
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
      sortDir = sortKey === k ? -sortDir : (k === "w" ? -1 : 1);
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
