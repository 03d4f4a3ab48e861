import { ApiError } from "/js/api.js";
import { el } from "/js/dom.js";

// The new password and its second copy, as the activation and reset forms ask for them, drawn
// in place of the form's [data-new-password] placeholder.
export function drawNewPasswordFields(form) {
  form.querySelector("[data-new-password]").replaceWith(
    el("div", { class: "field" },
      el("label", { for: "password", text: "Nueva contraseña" }),
      el("input", {
        id: "password", name: "password", type: "password", autocomplete: "new-password", required: true,
        "aria-describedby": "password-hint",
      }),
      el("p", {
        class: "hint", id: "password-hint",
        text: "Al menos 8 caracteres. Te recomendamos una frase fácil de recordar; evita contraseñas comunes.",
      })),
    el("div", { class: "field" },
      el("label", { for: "password_confirm", text: "Escríbela de nuevo" }),
      el("input", {
        id: "password_confirm", name: "password_confirm", type: "password", autocomplete: "new-password",
        required: true,
      })),
  );
}

// The new password, once both copies match; else a field error like the API's.
export function confirmPasswords(values, field = "password") {
  if ((values[field] || "") !== (values[`${field}_confirm`] || "")) {
    throw new ApiError(422, "validation_error", "Revisa los datos marcados.", [
      { field: `${field}_confirm`, code: "mismatch", message: "Las contraseñas no coinciden." },
    ]);
  }
  return values[field] || "";
}
