import { ApiError } from "/js/api.js";

// The new password, once both copies match; else a field error like the API's.
export function confirmPasswords(values, field = "password") {
  if ((values[field] || "") !== (values[`${field}_confirm`] || "")) {
    throw new ApiError(422, "validation_error", "Revisa los datos marcados.", [
      { field: `${field}_confirm`, code: "mismatch", message: "Las contraseñas no coinciden." },
    ]);
  }
  return values[field] || "";
}
