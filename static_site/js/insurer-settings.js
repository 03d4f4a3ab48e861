// The settings of an insurer as its forms show them, shared by the platform's pages and the
// insurer administrators' page: the fields (built here once), their values, the body a change
// sends (always with the version it was made on), plain Spanish beside each refused field, and
// the answer to a change that lost the race with someone else's.
import { ApiError } from "/js/api.js";
import { el } from "/js/dom.js";
import { applyAccent } from "/js/insurer-contact.js";

export const CLAIM_TYPES = { reembolso: "Reembolso", programacion: "Programación", menores: "Gastos médicos menores" };
export const CONFLICT_MESSAGE =
  "Alguien más cambió esta aseguradora; recarga los datos para ver la versión actual y vuelve a hacer tus cambios.";

// What to say beside a field the API refused for its form (the API's own words stay when they
// already say what to do, e.g. a legal minimum or a wrong RFC).
const PLAIN = {
  id: "Usa de 2 a 40 letras minúsculas, números o guiones, empezando con letra o número (por ejemplo «sec»).",
  rfc: "Escribe el RFC de persona moral (12 caracteres) o, en Chile, el RUT.",
  brand_color: "Escribe el color en formato #RRGGBB, por ejemplo #0B5394.",
  "contact.phone": "Escribe el teléfono con 7 a 25 dígitos; puedes usar espacios, guiones, paréntesis y + al inicio.",
  "contact.email": "Escribe un correo electrónico válido, por ejemplo atencion@aseguradora.mx.",
  "contact.whatsapp": "Usa un enlace de WhatsApp como https://wa.me/5215512345678.",
  "contact.hours": "Escribe el horario en una sola línea de hasta 120 caracteres.",
  service_levels: "Escribe un número entero de horas hábiles, de 1 a 2000.",
  "retention.grace_days": "Escribe un número entero de días, de 0 a 365.",
  "retention.export_available_hours": "Escribe un número entero de horas, de 1 a 720.",
  "retention.categories": "Escribe un número entero de años, de 1 a 50.",
};
const REQUIRED = "Este dato es obligatorio.";
const GENERIC = new Set(["El valor no es válido.", "El formato no es válido."]);

function plainFor(field) {
  if (PLAIN[field]) return PLAIN[field];
  const prefix = Object.keys(PLAIN).find((key) => field.startsWith(`${key}.`));
  return prefix ? PLAIN[prefix] : null;
}

// The API's refusal with each field's message in plain Spanish.
export function plainSpanish(error) {
  if (!(error instanceof ApiError)) return error;
  if (error.status === 409 && error.code === "version_conflict") {
    return new ApiError(409, error.code, CONFLICT_MESSAGE, [], error.correlationId);
  }
  const details = (error.details || []).map((detail) => {
    const field = detail.field || "";
    let message = detail.message;
    if (/missing|too_short/.test(detail.code || "")) message = REQUIRED;
    else if (GENERIC.has(message) || detail.code !== "value_error") message = plainFor(field) || message;
    return { ...detail, field, message };
  });
  return new ApiError(error.status, error.code, error.message, details, error.correlationId);
}

function input(name, label, attributes = {}, hint = null) {
  const id = `f-${name.replaceAll(".", "-")}`;
  const hintId = hint ? `${id}-hint` : null;
  const control = attributes.tag === "textarea"
    ? el("textarea", { id, name, rows: 8, maxlength: 20000, "aria-describedby": hintId })
    : el("input", { id, name, autocomplete: "off", ...attributes, "aria-describedby": hintId });
  return el("div", { class: "field" },
    el("label", { for: id, text: label }),
    control,
    hint ? el("p", { class: "hint", id: hintId, text: hint }) : null);
}

function group(legend, ...fields) {
  return el("fieldset", { class: "field settings-group" }, el("legend", { text: legend }),
    el("div", { class: "settings-grid" }, ...fields));
}

// The company data only a platform administrator sets (new insurer and its edit page).
export function companyFields({ withId = false } = {}) {
  const country = el("select", { id: "f-country", name: "country" },
    el("option", { value: "MX", text: "México" }), el("option", { value: "CL", text: "Chile" }));
  return group("Datos de la empresa",
    withId ? input("id", "Identificador", { maxlength: 40, spellcheck: "false", required: true },
      "Corto y en minúsculas, por ejemplo «sec». Aparece en las direcciones y no se puede cambiar.") : null,
    input("legal_name", "Razón social", { maxlength: 200, required: true }),
    input("rfc", "RFC o RUT", { maxlength: 20, spellcheck: "false", required: true },
      "RFC de persona moral (12 caracteres) en México; RUT en Chile."),
    el("div", { class: "field" }, el("label", { for: "f-country", text: "País" }), country));
}

// How the insurer presents itself: name, colour, contact channels.
export function presentationFields() {
  const color = input("brand_color", "Color de la marca", { maxlength: 7, spellcheck: "false", placeholder: "#0B5394" },
    "Formato #RRGGBB. Se usa como acento en las páginas de acceso y ayuda. Vacío: el color del portal.");
  color.querySelector("label").append(" ", el("span", { class: "swatch", "data-swatch": true, "aria-hidden": "true" }));
  color.querySelector("input").addEventListener("input", (event) => {
    applyAccent(color.querySelector("[data-swatch]"), event.target.value.trim());
  });
  return [
    group("Presentación",
      input("display_name", "Nombre comercial", { maxlength: 200, required: true },
        "El nombre que ven asegurados y prestadores."),
      color),
    group("Contacto (Contáctanos)",
      input("contact.phone", "Teléfono", { type: "tel", maxlength: 25 }),
      input("contact.email", "Correo electrónico", { type: "email", maxlength: 254 }),
      input("contact.whatsapp", "Enlace de WhatsApp", { type: "url", maxlength: 300, placeholder: "https://wa.me/5215512345678" },
        "Un enlace https://wa.me/ seguido del número con lada internacional."),
      input("contact.hours", "Horario de atención", { maxlength: 120 }, "Por ejemplo: lunes a viernes de 9:00 a 18:00.")),
  ];
}

// Response-time targets per claim type, in business hours; empty keeps the platform's.
export function serviceLevelFields(defaults = {}) {
  return group("Niveles de servicio (horas hábiles para resolver)",
    ...Object.entries(CLAIM_TYPES).map(([type, label]) => input(`service_levels.${type}`, label,
      { type: "number", min: 1, max: 2000, step: 1, inputmode: "numeric" },
      defaults[type] ? `Vacío: ${defaults[type]} horas (predeterminado).` : "Vacío: el predeterminado.")));
}

export function privacyNoticeField() {
  return group("Aviso de privacidad",
    input("privacy_notice", "Texto del aviso de privacidad de la aseguradora", { tag: "textarea" },
      "Vacío: sin aviso propio."));
}

// Retention periods over the legal defaults (platform only).
export function retentionFields(defaults = {}) {
  const categories = defaults.categories || {};
  const years = (name, label) => input(`retention.categories.${name}.years`, label,
    { type: "number", min: 1, max: 50, step: 1, inputmode: "numeric" },
    `Vacío: ${categories[name]?.years ?? 5} años. Nunca menos que el plazo legal.`);
  return group("Conservación de datos",
    years("clinical", "Expediente clínico (años)"),
    years("fiscal", "Documentos fiscales (años)"),
    input("retention.grace_days", "Días de gracia antes de borrar", { type: "number", min: 0, max: 365, step: 1, inputmode: "numeric" },
      `Vacío: ${defaults.grace_days ?? 0} días.`),
    input("retention.export_available_hours", "Horas que una exportación queda disponible",
      { type: "number", min: 1, max: 720, step: 1, inputmode: "numeric" },
      `Vacío: ${defaults.export_available_hours ?? 24} horas.`));
}

function setValue(form, name, value) {
  const control = form.elements.namedItem(name);
  if (control) control.value = value ?? "";
}

// Puts the insurer's current values into the form's fields (those the form has).
export function fillSettings(form, insurer) {
  for (const name of ["legal_name", "rfc", "country", "display_name", "brand_color", "privacy_notice"]) {
    setValue(form, name, insurer[name]);
  }
  for (const channel of ["phone", "email", "whatsapp", "hours"]) setValue(form, `contact.${channel}`, insurer.contact?.[channel]);
  for (const type of Object.keys(CLAIM_TYPES)) setValue(form, `service_levels.${type}`, insurer.service_levels?.[type]);
  const retention = insurer.retention || {};
  setValue(form, "retention.grace_days", retention.grace_days);
  setValue(form, "retention.export_available_hours", retention.export_available_hours);
  for (const name of ["clinical", "fiscal"]) setValue(form, `retention.categories.${name}.years`, retention.categories?.[name]?.years);
  const swatch = form.querySelector("[data-swatch]");
  if (swatch) applyAccent(swatch, insurer.brand_color);
}

// A whole number when the text is one; the text otherwise, for the API to refuse beside it.
function number(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}

// The values of the form's fields as the API takes them (empty = null: back to the default).
export function settingsBody(form, values, current = null) {
  const body = {};
  const has = (name) => Boolean(form.elements.namedItem(name));
  const text = (name) => values[name] ?? null;
  for (const name of ["id", "legal_name", "rfc", "country", "display_name"]) if (has(name)) body[name] = text(name) ?? "";
  for (const name of ["brand_color", "privacy_notice"]) if (has(name)) body[name] = text(name);
  if (has("contact.phone")) {
    body.contact = Object.fromEntries(["phone", "email", "whatsapp", "hours"]
      .map((channel) => [channel, text(`contact.${channel}`)]).filter(([, value]) => value !== null));
  }
  if (has("service_levels.reembolso")) {
    const levels = Object.fromEntries(Object.keys(CLAIM_TYPES)
      .filter((type) => text(`service_levels.${type}`) !== null)
      .map((type) => [type, number(text(`service_levels.${type}`))]));
    body.service_levels = Object.keys(levels).length ? levels : null;
  }
  if (has("retention.grace_days")) {
    const retention = {};
    for (const name of ["grace_days", "export_available_hours"]) {
      if (text(`retention.${name}`) !== null) retention[name] = number(text(`retention.${name}`));
    }
    const categories = {};
    for (const name of ["clinical", "fiscal"]) {
      const years = text(`retention.categories.${name}.years`);
      const kept = current?.retention?.categories?.[name]?.defers_deletion;
      if (years !== null || kept !== undefined) {
        categories[name] = { ...(years !== null ? { years: number(years) } : {}), ...(kept !== undefined ? { defers_deletion: kept } : {}) };
      }
    }
    if (Object.keys(categories).length) retention.categories = categories;
    body.retention = Object.keys(retention).length ? retention : null;
  }
  if (current) body.version = current.version;
  return body;
}

// --- versions ------------------------------------------------------------------------------

const FIELD_LABELS = {
  legal_name: "Razón social", rfc: "RFC o RUT", country: "País", display_name: "Nombre comercial",
  brand_color: "Color de la marca", logo: "Logotipo", contact: "Contacto",
  service_levels: "Niveles de servicio", catalog: "Catálogo de trámites", retention: "Conservación de datos",
  privacy_notice: "Aviso de privacidad",
};
const KEY_LABELS = {
  phone: "teléfono", email: "correo", whatsapp: "WhatsApp", hours: "horario", ...Object.fromEntries(
    Object.entries(CLAIM_TYPES).map(([key, label]) => [key, label.toLowerCase()])),
  grace_days: "días de gracia", export_available_hours: "horas de exportación", categories: "plazos",
  clinical: "expediente clínico", fiscal: "fiscal", years: "años", defers_deletion: "pospone el borrado",
  document_id: "documento", status: "estado", uploaded_at: "subido el", network: "red médica", notice: "aviso",
  url: "dirección",
};

// A setting's value in a few words: "predeterminado" when unset, "clave: valor" for objects.
export function describeValue(value) {
  if (value === null || value === undefined || value === "") return "predeterminado";
  if (typeof value === "boolean") return value ? "sí" : "no";
  if (Array.isArray(value)) return `${value.length} elemento(s)`;
  if (typeof value === "object") {
    return Object.entries(value).map(([key, inner]) => `${KEY_LABELS[key] || key}: ${describeValue(inner)}`).join("; ");
  }
  const shown = String(value);
  return shown.length > 120 ? `${shown.slice(0, 117)}…` : shown;
}

export function fieldLabel(field) {
  return FIELD_LABELS[field] || field;
}
