// Fills every [data-health] element with the API's health status.
import { api, showError } from "/js/api.js";

async function showHealth() {
  const targets = document.querySelectorAll("[data-health]");
  if (!targets.length) return;
  try {
    const health = await api.get("/v1/health");
    for (const target of targets) {
      target.textContent = health.status === "ok"
        ? `En servicio (versión ${health.version})`
        : "Con problemas";
      target.dataset.state = health.status === "ok" ? "ok" : "error";
    }
  } catch (error) {
    for (const target of targets) {
      target.textContent = "Sin conexión con el servicio";
      target.dataset.state = "error";
    }
    const details = document.querySelector("[data-health-error]");
    if (details) showError(details, error);
  }
}

showHealth();
