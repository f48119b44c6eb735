// Keeps a product page's availability current as stock moves: asks the page's availability handler every three seconds
// while the page is visible. Without scripts the page shows the availability it was rendered with.
(function () {
  const availability = document.getElementById("availability");
  if (!availability || !availability.dataset.product || !availability.dataset.sku) return;
  const url = "/products/" + availability.dataset.product + "?handler=availability&sku=" + encodeURIComponent(availability.dataset.sku);
  async function poll() {
    if (!document.hidden) {
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) {
          const product = await response.json();
          if (availability.textContent !== product.availability) availability.textContent = product.availability;
        }
      } catch (e) {
        // The network blinked: try again on the next tick.
      }
    }
    setTimeout(poll, 3000);
  }
  setTimeout(poll, 3000);
})();
