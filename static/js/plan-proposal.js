// The planner's proposal page: while the plan is being worked out, poll its status and show the
// progress; reload the page once it is ready (or failed). Without JavaScript, "Check progress" does it.
const box = document.getElementById("plan-status");

function poll() {
  fetch(box.dataset.statusUrl, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((s) => {
      document.getElementById("plan-progress").textContent = s.progress;
      document.getElementById("plan-bar").value = s.progress;
      if (s.message) {
        document.getElementById("plan-message").textContent = s.message;
      }
      if (s.status === "queued" || s.status === "running") {
        setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    })
    .catch(() => setTimeout(poll, 3000));
}

if (box && box.dataset.working === "1") {
  setTimeout(poll, 1000);
}
