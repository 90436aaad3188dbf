// Check in, check out and "not at home" send the phone's location when the browser gives it (the
// server keeps whether it was within 150 m of the person's home). Without JavaScript, or when the
// location is refused or slow, the form is sent without it: recording the visit never waits on GPS.

const WAIT_MS = 8000;

document.querySelectorAll("form[data-locate]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (form.dataset.located === "1" || !("geolocation" in navigator)) return;
    event.preventDefault();
    const send = () => {
      form.dataset.located = "1";
      form.submit();
    };
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.lat.value = position.coords.latitude;
        form.elements.lon.value = position.coords.longitude;
        form.elements.accuracy.value = Math.round(position.coords.accuracy);
        send();
      },
      send,
      { enableHighAccuracy: true, timeout: WAIT_MS, maximumAge: 60000 },
    );
  });
});
