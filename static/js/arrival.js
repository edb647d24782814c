// "Tiba di lokasi" sends the phone's position with the answer when the browser gives one in time;
// without it (no GPS, permission refused, timeout) the arrival is recorded all the same.
const WAIT_MS = 12000;

document.addEventListener("htmx:confirm", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-needs-position")) return;
  if (!("geolocation" in navigator) || form.elements.latitude.value) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  button.textContent = form.dataset.waiting;
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    event.detail.issueRequest(true);
  };
  setTimeout(send, WAIT_MS);
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      send();
    },
    send,
    { enableHighAccuracy: true, timeout: WAIT_MS - 1000, maximumAge: 60000 },
  );
});
