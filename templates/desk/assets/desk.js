/* The review desk's little JavaScript: everything works without it; with it,
   a revision's progress updates in place and buttons say they are working. */
(function () {
  "use strict";

  function followJob(box) {
    var url = box.getAttribute("data-job-url");
    var phase = box.querySelector("[data-job-phase]");
    var seconds = box.querySelector("[data-job-seconds]");
    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.state === "running") {
            if (phase) { phase.textContent = job.phase; }
            if (seconds) { seconds.textContent = Math.round(job.seconds); }
            window.setTimeout(poll, 700);
          } else if (job.state === "done") {
            window.location.assign(job.done_url);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 400);
  }

  function busyOnSubmit(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.textContent = button.textContent.trim() + "…";
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-job-url][data-job-state=running]");
    if (box) { followJob(box); }
    Array.prototype.forEach.call(document.querySelectorAll("form.action-form"), busyOnSubmit);
  });
})();
