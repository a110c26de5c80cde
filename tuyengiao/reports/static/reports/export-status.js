// The export status page: asks the JSON status until the job's status changes, then shows the page again.
(function () {
  "use strict";
  var box = document.getElementById("report-export");
  if (!box || box.dataset.active !== "true") {
    return;
  }
  var delay = 1000;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.status !== box.dataset.status) {
          window.location.reload();
          return;
        }
        schedule();
      })
      .catch(schedule); // a network hiccup: ask again later
  }
  function schedule() {
    delay = Math.min(delay * 1.5, 10000);
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
