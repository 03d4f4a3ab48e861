// An insurer's face on the log-in and help pages: its logo, its brand colour as the page's
// accent and "Contáctanos" (phone, email, WhatsApp, hours), read from the public route. An
// unknown insurer, or an API that cannot answer, shows nothing and says nothing.
import { api, myProfile } from "/js/api.js";
import { el } from "/js/dom.js";
import { currentSession } from "/js/session.js";

const INSURER_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

// The insurer a page was opened for: `?aseguradora=sec`.
export function insurerFromAddress() {
  const id = (new URLSearchParams(window.location.search).get("aseguradora") || "").trim().toLowerCase();
  return INSURER_ID.test(id) ? id : null;
}

// The signed-in person's insurer (the first of theirs), or none.
export async function insurerOfPerson() {
  if (!currentSession()) return null;
  try {
    const profile = await myProfile();
    const id = (profile.insurers || [])[0];
    return id && INSURER_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

// The insurer a help page is about: the signed-in person's, else the one in its address.
export async function insurerOfPage() {
  return (await insurerOfPerson()) || insurerFromAddress();
}

// `href` of a phone number as written ("800 123 4567" → "tel:8001234567").
export function telephoneLink(phone) {
  return `tel:${phone.replace(/[^0-9+]/g, "")}`;
}

// The contact channels as a definition list; null when the insurer gave none.
export function contactChannels(contact) {
  const rows = [];
  const add = (label, value) => rows.push(el("dt", { text: label }), el("dd", {}, value));
  if (contact.phone) add("Teléfono", el("a", { href: telephoneLink(contact.phone), text: contact.phone, "data-channel": "phone" }));
  if (contact.email) add("Correo electrónico", el("a", { href: `mailto:${contact.email}`, text: contact.email, "data-channel": "email" }));
  if (contact.whatsapp) {
    add("WhatsApp", el("a", {
      href: contact.whatsapp, rel: "noopener noreferrer", target: "_blank", "data-channel": "whatsapp",
      text: "Escríbenos por WhatsApp (se abre en otra pestaña)",
    }));
  }
  if (contact.hours) add("Horario de atención", el("span", { text: contact.hours, "data-channel": "hours" }));
  return rows.length ? el("dl", { class: "data" }, ...rows) : null;
}

// Uses the brand colour as the accent of `node` and what it holds (borders, not text, so the
// contrast of the page's text never depends on it).
export function applyAccent(node, color) {
  if (color && COLOR.test(color)) node.style.setProperty("--accent", color);
}

// The logo as an image, when the insurer has an accepted one.
export function logoImage(url, name) {
  return url ? el("img", { class: "insurer-logo", src: url, alt: `Logotipo de ${name}`, "data-insurer-logo": true }) : null;
}

// The platform's own channels, for pages opened without an insurer (the welcome email of a
// membership says the same when the plan's insurer gave none).
export const PLATFORM_CONTACT = {
  phone: "800 123 4567",
  email: "ayuda@portal-medico.mx",
  hours: "Lunes a sábado, de 8:00 a 20:00 h (hora del centro de México)",
};

// Fills `box` with the platform's "Contáctanos".
export function showPlatformContact(box) {
  if (!box) return null;
  const titleId = "contactanos-title";
  box.replaceChildren(
    el("h2", { id: titleId, text: "Contáctanos" }),
    el("p", { text: "¿Problemas para entrar o dudas sobre el portal? Escríbenos o llámanos:" }),
    contactChannels(PLATFORM_CONTACT),
  );
  box.classList.add("insurer-contact", "card");
  box.setAttribute("aria-labelledby", titleId);
  box.dataset.platformContact = "";
  box.hidden = false;
  return PLATFORM_CONTACT;
}

// Fills `box` with the insurer's logo, name and contact channels and marks the page with its
// colour; answers the insurer's public data, or null when there is nothing to show.
export async function showInsurerContact(box, insurerId, { heading = "Contáctanos" } = {}) {
  if (!box || !insurerId) return null;
  let insurer;
  try {
    insurer = await api.get(`/v1/insurers/${encodeURIComponent(insurerId)}/public`);
  } catch {
    return null;
  }
  const main = document.querySelector("main");
  applyAccent(main, insurer.brand_color);
  main.dataset.insurer = insurer.id;
  const channels = contactChannels(insurer.contact || {});
  const titleId = "contactanos-title";
  box.replaceChildren(
    el("div", { class: "insurer-brand" },
      logoImage(insurer.logo_url, insurer.display_name),
      el("p", { class: "insurer-name", text: insurer.display_name })),
    channels ? el("h2", { id: titleId, text: heading }) : null,
    channels,
  );
  box.classList.add("insurer-contact", "card");
  if (channels) box.setAttribute("aria-labelledby", titleId);
  else box.setAttribute("aria-label", insurer.display_name);
  box.hidden = false;
  return insurer;
}
