// gongkai preview: wait for the server to say the report changed, then reload.
// Served only by `gongkai preview`; published pages carry no script.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="gk-preview-version"]');
  var version = meta ? meta.getAttribute("content") : "0";
  var key = "gk-preview-scroll";
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }
  function poll() {
    fetch("/version?since=" + version, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (String(data.version) !== version) {
          sessionStorage.setItem(key, String(window.scrollY));
          window.location.reload();
        } else {
          poll();
        }
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
