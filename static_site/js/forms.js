// Form helpers: values as JSON, field errors next to their inputs, a busy submit button.
import { ApiError, clearError, showError } from "/js/api.js";
import { el } from "/js/dom.js";

export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "checkbox") values[element.name] = element.checked;
    else if (element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
    } else if (element.value.trim() !== "" || element.dataset.keepEmpty !== undefined) {
      values[element.name] = element.value.trim();
    }
  }
  return values;
}

function clearFieldErrors(form) {
  for (const message of form.querySelectorAll(".field-error")) message.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

function showFieldErrors(form, error) {
  const unplaced = [];
  for (const detail of error.details || []) {
    // A nested field ("contact.phone") is the input of that whole name, or of its last part.
    const field = detail.field || "";
    const input = field
      ? form.elements.namedItem(field) || form.elements.namedItem(field.split(".").pop())
      : null;
    if (input && input.id) {
      const message = el("p", { class: "field-error", id: `${input.id}-error`, text: detail.message });
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", message.id);
      (input.closest(".field") || input.parentElement).append(message);
    } else {
      unplaced.push(detail);
    }
  }
  return unplaced;
}

// Binds `form` to `submit(values)`; shows the result with `done(result)`.
export function bindForm(form, submit, done) {
  const alert = form.querySelector("[data-form-error]");
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    if (alert) clearError(alert);
    if (button) {
      button.disabled = true;
      button.dataset.label = button.textContent;
      button.textContent = "Enviando…";
    }
    try {
      const result = await submit(formValues(form));
      await done(result);
    } catch (error) {
      const unplaced = error instanceof ApiError ? showFieldErrors(form, error) : [];
      if (alert) {
        const shown = error instanceof ApiError
          ? new ApiError(error.status, error.code, error.message, unplaced, error.correlationId)
          : error;
        showError(alert, shown);
        alert.scrollIntoView({ block: "nearest" });
      }
      const invalid = form.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
    } finally {
      if (button) {
        button.disabled = false;
        button.textContent = button.dataset.label;
      }
    }
  });
}

export function showSuccess(container, message) {
  container.replaceChildren();
  container.hidden = false;
  container.className = "alert alert-success";
  container.setAttribute("role", "status");
  container.append(el("p", { text: message }));
}

// The one-time token after "#token=" in the address, removed from the address bar.
export function tokenFromFragment() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token");
  if (token) history.replaceState(null, "", window.location.pathname);
  return token;
}
