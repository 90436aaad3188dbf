// Keep the referral clocks' "time left" current while the page stays open. Without JavaScript the
// page shows the time left when it was loaded, which is enough: this only enhances it.
const MINUTE = 60 * 1000;

function words(ms) {
  const minutes = Math.floor(Math.abs(ms) / MINUTE);
  const parts = [[Math.floor(minutes / 1440), "day"], [Math.floor((minutes % 1440) / 60), "hour"], [minutes % 60, "minute"]]
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? "" : "s"}`);
  return parts.slice(0, 2).join(" ") || "less than a minute";
}

function tick() {
  document.querySelectorAll("[data-clock-state='running'], [data-clock-state='overdue']").forEach((item) => {
    const left = item.querySelector(".homecare-clock-left");
    if (!left) return;
    const ms = new Date(item.dataset.clockDeadline).getTime() - Date.now();
    left.textContent = ms >= 0 ? `(${words(ms)} left)` : `(overdue by ${words(ms)})`;
  });
}

setInterval(tick, MINUTE);
