// The insurer's brand on its people's pages: its name and logo in the header, its colour as
// the header's accent and its contact channels at the foot of the page. Whose brand: after
// log-in, the account's insurer; before, the one of the link the insurer gives its people
// (`?aseguradora=sec`), which this browser remembers (localStorage) for the next visits;
// otherwise (or for an unknown insurer) the platform's neutral brand stays.
import { api, myProfile } from "/js/api.js";
import { el } from "/js/dom.js";
import { applyAccent, contactChannels, insurerFromAddress } from "/js/insurer-contact.js";
import { currentSession } from "/js/session.js";

const REMEMBERED = "portal.aseguradora";
const CACHE = "portal.marca";
const CACHE_SECONDS = 300; // the logo's link is presigned: keep it well within its life
const INSURER_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

function storage(kind) {
  try {
    return kind === "local" ? window.localStorage : window.sessionStorage;
  } catch {
    return null; // storage refused (privacy settings): no memory, the page still works
  }
}

// The insurer this browser was sent to: its link's, else the one an earlier link named
// (remembered only once the API knew it, see applyBrand).
export function rememberedInsurer() {
  const fromAddress = insurerFromAddress();
  if (fromAddress) return fromAddress;
  const kept = storage("local")?.getItem(REMEMBERED) || "";
  return INSURER_ID.test(kept) ? kept : null;
}

// Whose brand the page wears: the signed-in account's insurer (none for a platform
// administrator), else the remembered one.
async function brandedInsurer() {
  if (currentSession()) {
    try {
      const profile = await myProfile();
      const id = (profile.insurers || [])[0];
      return id && INSURER_ID.test(id) ? id : null;
    } catch {
      return null;
    }
  }
  return rememberedInsurer();
}

async function publicData(id) {
  const cache = storage("session");
  try {
    const kept = JSON.parse(cache?.getItem(CACHE) || "null");
    if (kept && kept.insurer.id === id && Date.now() - kept.at < CACHE_SECONDS * 1000) return kept.insurer;
  } catch {
    // A damaged cache is read again from the API.
  }
  const insurer = await api.get(`/v1/insurers/${encodeURIComponent(id)}/public`);
  cache?.setItem(CACHE, JSON.stringify({ at: Date.now(), insurer }));
  return insurer;
}

function brandHeader(insurer) {
  const header = document.querySelector(".site-header");
  const brand = header && header.querySelector(".brand");
  if (!brand) return;
  header.classList.add("branded");
  header.dataset.insurer = insurer.id;
  applyAccent(header, insurer.brand_color);
  const logo = insurer.logo_url
    ? el("img", { class: "brand-logo", src: insurer.logo_url, alt: "", "data-brand-logo": true })
    : null;
  brand.replaceChildren(...[logo, el("span", { "data-brand-name": true, text: insurer.display_name })].filter(Boolean));
  brand.setAttribute("aria-label", `${insurer.display_name} · Portal Médico (inicio)`);
}

// The insurer's channels at the foot of the page, unless the page already shows them.
function contactFooter(insurer) {
  if (document.querySelector("[data-insurer-contact], [data-brand-footer]")) return;
  const channels = contactChannels(insurer.contact || {});
  if (!channels) return;
  const footer = el("footer", { class: "site-footer brand-footer", "data-brand-footer": true },
    el("div", { class: "container" },
      el("p", { class: "brand-footer-title", text: `¿Dudas? Contacta a ${insurer.display_name}` }), channels));
  applyAccent(footer, insurer.brand_color);
  document.body.append(footer);
}

// Puts the brand on the page (layout.js calls it once the header exists).
export async function applyBrand() {
  const id = await brandedInsurer();
  if (!id) return null;
  const local = storage("local");
  let insurer;
  try {
    insurer = await publicData(id);
  } catch (error) {
    // An unknown insurer (a mistyped link, one removed since) is not remembered, nor kept
    // once remembered; an API that cannot answer forgets nothing. The neutral brand stays.
    if (error?.status === 404 && local?.getItem(REMEMBERED) === id) local.removeItem(REMEMBERED);
    return null;
  }
  if (!currentSession() && insurerFromAddress() === insurer.id) local?.setItem(REMEMBERED, insurer.id);
  document.documentElement.dataset.brand = insurer.id;
  brandHeader(insurer);
  contactFooter(insurer);
  return insurer;
}
