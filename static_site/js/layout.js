// What every page starts with: the skip link and the site header, whose session area shows who
// is signed in, their account and log out. A page with a header of its own (the home page
// with the service status, the status page) keeps it and gets the session area filled in.
import { myProfile } from "/js/api.js";
import { applyBrand } from "/js/brand.js";
import { el } from "/js/dom.js";
import { currentSession, DUTY_LABELS, dutiesOf, logout, PORTALS } from "/js/session.js";

function link(href, text) {
  return el("a", { href, text });
}

function renderHeader() {
  if (document.querySelector(".site-header")) return;
  document.body.prepend(
    el("a", { class: "skip", href: "#contenido", text: "Ir al contenido" }),
    el("header", { class: "site-header" },
      el("div", { class: "container" },
        el("a", { class: "brand", href: "/", text: "Portal Médico" }),
        el("nav", { class: "session", "data-session": true, "aria-label": "Sesión" }))),
  );
}

export function renderSessionNav() {
  const nav = document.querySelector("[data-session]");
  if (!nav) return;
  nav.replaceChildren();
  const session = currentSession();
  if (!session) {
    nav.append(link("/entrar.html", "Iniciar sesión"));
    return;
  }
  const portal = PORTALS[session.role];
  nav.append(link(portal.path, `Portal de ${portal.label}`), link("/cuenta.html", "Mi cuenta"));
  nav.append(el("button", { type: "button", class: "link-button", text: "Cerrar sesión", onclick: logout }));
}

// A 403 from the API means this page is not for this person (an operator without the duty it
// needs): the page's content is hidden and a clear answer stands in its place, once.
function showNoAccess(event) {
  showNoAccessMessage(event.detail);
}

function showNoAccessMessage(message) {
  const main = document.querySelector("main");
  if (!main || main.querySelector("[data-no-access]")) return;
  for (const child of main.children) child.hidden = true;
  const session = currentSession();
  const portal = session && PORTALS[session.role];
  const back = portal
    ? el("p", {}, link(portal.path, `Volver al Portal de ${portal.label}`))
    : el("p", {}, link("/", "Volver al inicio"));
  main.prepend(
    el("section", { "data-no-access": true },
      el("h1", { text: "No tienes acceso a esta sección" }),
      el("p", { class: "alert alert-error", role: "alert", text: message }),
      back),
  );
  document.title = "Sin acceso · Portal Médico";
}

// An operators' page names the duty it needs (`<main data-duty>`): an operator without it is
// told so at once, not after filling a form the API would refuse. A page that serves several
// duties names them all, separated by spaces (`data-duty="administracion finanzas"`): any one
// of them opens it.
function missingDutyMessage(needed) {
  const names = needed.map((duty) => DUTY_LABELS[duty] || duty);
  return `Tu cuenta de operador no tiene la función de ${names.join(" ni la de ")}. ` +
    (names.length > 1 ? "Pide una de ellas" : "Pídesela") + " al administrador de tu aseguradora.";
}

async function checkDuty() {
  const main = document.querySelector("main[data-duty]");
  const session = currentSession();
  if (!main || !session || session.role !== "operador") return;
  const needed = dutiesOf(main);
  try {
    const profile = await myProfile();
    const held = profile.duties || [];
    if (!needed.some((duty) => held.includes(duty))) showNoAccessMessage(missingDutyMessage(needed));
  } catch {
    // The page's own calls still meet the API's check.
  }
}

renderHeader();
renderSessionNav();
applyBrand();
window.addEventListener("portal:forbidden", showNoAccess);
checkDuty();
