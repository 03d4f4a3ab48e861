// Forms of every portal: values as JSON, a busy submit button, and the one way a refusal is
// shown (docs/forms.md). The API answers 422 with `details: [{field, message}]`, `field` the
// request's dotted path ("phone", "files.0.name"); here each detail is put beside its input:
// the input gets aria-invalid="true" and the message, next to it, is linked by
// aria-describedby; several errors (or one that no input of the form holds) are listed in a
// summary at the top of the form whose links lead to the fields; changing a field clears its
// error. Internal names are never shown: an input holds a path by its name (the path or its
// last part) or by `data-error-for="files.*.name other.path"` (`*` for a list position).
import { ApiError, clearError, showError } from "/js/api.js";
import { el } from "/js/dom.js";

export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "checkbox") values[element.name] = element.checked;
    else if (element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
    } else if (element.type === "file") {
      continue;
    } else if (element.value.trim() !== "" || element.dataset.keepEmpty !== undefined) {
      values[element.name] = element.value.trim();
    }
  }
  return values;
}

// A refusal found before asking the API, in the API's shape: `fieldError("clabe", "…")`, or
// several `[{field, message}]`.
export function fieldError(field, message) {
  const details = Array.isArray(field) ? field : [{ field, message }];
  return new ApiError(422, "validation_error", "Revisa los datos marcados.",
    details.map((d) => ({ code: "invalid", ...d })));
}

const CONTROLS = "input:not([type=hidden]), select, textarea";
let generated = 0;

function pathMatches(pattern, path) {
  const wanted = pattern.split(".");
  const parts = path.split(".");
  return wanted.length === parts.length
    && wanted.every((part, index) => part === parts[index] || (part === "*" && /^\d+$/.test(parts[index])));
}

// The controls of `form` that hold the API's `path` ([] when none does), and the element
// after whose content the message goes (a [data-error-for] box of several controls).
export function controlsFor(form, path) {
  if (!path) return { controls: [] };
  for (const holder of form.querySelectorAll("[data-error-for]")) {
    if (holder.dataset.errorFor.split(/\s+/).some((pattern) => pathMatches(pattern, path))) {
      if (holder.matches(CONTROLS)) return { controls: [holder] };
      return { controls: [...holder.querySelectorAll(CONTROLS)], place: holder };
    }
  }
  // The whole path, its last name, then the objects that hold it ("statement.name": "statement").
  const parts = path.split(".");
  const names = [path, parts.filter((part) => !/^\d+$/.test(part)).pop()];
  for (let end = parts.length - 1; end > 0; end -= 1) names.push(parts.slice(0, end).join("."));
  for (const name of names) {
    const found = name ? form.elements.namedItem(name) : null;
    if (!found) continue;
    const controls = found instanceof RadioNodeList ? [...found] : [found];
    if (controls.length && controls[0].matches?.(CONTROLS)) return { controls };
  }
  return { controls: [] };
}

function labelOf(control) {
  const group = control.type === "radio" || control.type === "checkbox"
    ? control.closest("fieldset")?.querySelector("legend")
    : null;
  const label = group || control.labels?.[0];
  return (label?.textContent || control.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim();
}

function ensureId(control) {
  if (!control.id) {
    generated += 1;
    control.id = `campo-${generated}`;
  }
  return control.id;
}

function summaryOf(form) {
  return form.querySelector(":scope > [data-error-summary]");
}

function dropFromSummary(form, messageId) {
  const summary = form ? summaryOf(form) : null;
  if (!summary) return;
  summary.querySelector(`[data-for-message="${messageId}"]`)?.remove();
  if (!summary.querySelector("li")) summary.remove();
}

function unmark(control) {
  control.removeAttribute("aria-invalid");
  const before = control.dataset.describedBefore;
  if (before) control.setAttribute("aria-describedby", before);
  else control.removeAttribute("aria-describedby");
  delete control.dataset.describedBefore;
}

// Marks `controls` with `message`; the message goes after the field (or the group of options).
function mark(form, controls, message, box = null) {
  const first = controls[0];
  const messageId = `${ensureId(first)}-error`;
  if (document.getElementById(messageId)) return null; // one message per field
  const note = el("p", { class: "field-error", id: messageId, "data-field-error": "", text: message });
  const group = controls.length > 1 || first.type === "radio" ? first.closest("fieldset") : null;
  const place = box || group || first.closest(".field, fieldset") || first.parentElement;
  place.append(note);
  for (const control of controls) {
    if (control.dataset.describedBefore === undefined) {
      control.dataset.describedBefore = control.getAttribute("aria-describedby") || "";
    }
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${messageId} ${control.dataset.describedBefore}`.trim());
    const clear = () => {
      note.remove();
      for (const other of controls) unmark(other);
      dropFromSummary(form, messageId);
    };
    control.addEventListener("input", clear, { once: true });
    control.addEventListener("change", clear, { once: true });
  }
  return { control: first, messageId, label: labelOf(first), message };
}

// Marks one control outside a form's submission (a file chosen and refused on upload).
export function showFieldError(control, message) {
  return mark(control.form, [control], message);
}

// What an error says for one field: its details' messages, else its own.
export function errorText(error) {
  if (error instanceof ApiError && error.details?.length) {
    return [...new Set(error.details.map((d) => d.message))].join(" ");
  }
  return error instanceof ApiError ? error.message
    : "Ocurrió un error inesperado. Inténtalo de nuevo más tarde.";
}

export function clearFormErrors(form) {
  for (const message of form.querySelectorAll("[data-field-error]")) message.remove();
  for (const control of form.querySelectorAll("[aria-invalid]")) unmark(control);
  summaryOf(form)?.remove();
  const alert = form.querySelector("[data-form-error]");
  if (alert) clearError(alert);
}

function showSummary(form, heading, items) {
  const list = el("ul");
  for (const item of items) {
    // The label without its parenthesised aside: "Correo secundario (recibe…)" → "Correo secundario".
    const label = (item.label || "").replace(/\s*\(.*\)\s*$/, "");
    const text = label ? `${label}: ${item.message}` : item.message;
    const entry = el("li", item.messageId ? { "data-for-message": item.messageId } : {});
    if (item.control) {
      entry.append(el("a", {
        href: `#${item.control.id}`,
        text,
        onclick: (event) => {
          event.preventDefault();
          item.control.focus();
          item.control.scrollIntoView({ block: "center" });
        },
      }));
    } else {
      entry.append(text);
    }
    list.append(entry);
  }
  const summary = el("div", {
    class: "alert alert-error error-summary", role: "alert", tabindex: "-1", "data-error-summary": "",
  }, el("p", { text: heading }), list);
  form.prepend(summary);
  return summary;
}

// Shows `error` on `form` (see the top of this module); an error that is not about fields
// goes to the form's [data-form-error] box (else a summary at its top). Focus goes to the
// summary when there is one, else to the one marked field.
export function showFormErrors(form, error) {
  clearFormErrors(form);
  const details = error instanceof ApiError ? error.details || [] : [];
  const placed = [];
  const unplaced = [];
  for (const detail of details) {
    const { controls, place } = controlsFor(form, detail.field || "");
    const shown = controls.length ? mark(form, controls, detail.message, place) : null;
    if (shown) placed.push(shown);
    else if (!controls.length) unplaced.push({ message: detail.message });
  }
  const alert = form.querySelector("[data-form-error]");
  if (!details.length) {
    if (alert) {
      showError(alert, error);
      alert.scrollIntoView({ block: "nearest" });
    } else {
      showSummary(form, error instanceof ApiError ? error.message
        : "Ocurrió un error inesperado. Inténtalo de nuevo más tarde.", []).focus();
    }
    return;
  }
  if (placed.length + unplaced.length > 1 || unplaced.length) {
    const said = new Set(details.map((d) => d.message));
    const heading = error.message && !said.has(error.message) && error.code !== "validation_error"
      ? error.message
      : placed.length + unplaced.length > 1 ? "Revisa estos datos:" : "Revisa este dato:";
    showSummary(form, heading, [...placed, ...unplaced]).focus();
  } else if (placed.length) {
    placed[0].control.focus();
  }
}

// Binds `form` to `submit(values)`; shows the result with `done(result)`, a refusal with
// showFormErrors.
export function bindForm(form, submit, done) {
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    if (button) {
      button.disabled = true;
      button.dataset.label = button.textContent;
      button.textContent = "Enviando…";
    }
    try {
      const result = await submit(formValues(form));
      await done(result);
    } catch (error) {
      showFormErrors(form, error);
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
