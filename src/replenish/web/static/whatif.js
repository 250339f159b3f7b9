// The what-if's progress bar: asks the server for the job's progress until it is over, then
// reloads the page, which then shows the outcome.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var stage = box.querySelector(".stage");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin",
                                                   headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (job) {
        bar.value = job.progress;
        stage.textContent = job.stage + " (" + Math.round(job.progress * 100) + " %)";
        if (job.status === "queued" || job.status === "running") {
          window.setTimeout(poll, 600);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 400);
}());
