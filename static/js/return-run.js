// The return's run page: poll the run's status and show its progress; open the return when done.
// Without JavaScript the page says to reload it.
const box = document.getElementById("run-status");

function show(s) {
  document.getElementById("run-state").textContent = s.state_label;
  document.getElementById("run-progress").textContent = s.progress;
  document.getElementById("run-message").textContent = s.message;
  document.getElementById("run-bar").value = s.progress;
}

function poll() {
  fetch(box.dataset.statusUrl, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((s) => {
      show(s);
      if (s.state === "done" && s.return_url) {
        window.location = s.return_url;
        return;
      }
      if (s.state !== "failed") {
        setTimeout(poll, 1500);
      }
    });
}

if (box && box.dataset.state !== "done" && box.dataset.state !== "failed") {
  setTimeout(poll, 1000);
}
