// Follows an order's status while the checkout saga moves it: asks the page's status handler every second and, once the
// order stops moving, reloads the page so its history and outcome show. Without scripts the page offers a reload link.
(function () {
  const status = document.getElementById("order-status");
  if (!status || status.dataset.inProgress !== "true") return;
  const url = "/orders/" + status.dataset.order + "?handler=status";
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const order = await response.json();
        if (status.textContent !== order.status) status.textContent = order.status;
        if (!order.inProgress) { window.location.reload(); return; }
      }
    } catch (e) {
      // The network blinked: try again on the next tick.
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
