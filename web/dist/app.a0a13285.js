// Shows which frontend release is live. kirikae writes kirikae-release.json
// ({"version": "<release id>"}) at the root of every release it uploads; when
// the page is opened from disk or a plain server there is none, and the page
// says so instead of failing.
(function () {
  "use strict";
  var el = document.getElementById("release");
  fetch("/kirikae-release.json", { cache: "no-store" })
    .then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    })
    .then(function (doc) {
      el.textContent = doc.version || "unknown";
    })
    .catch(function () {
      el.textContent = "not deployed by kirikae";
    });
})();
