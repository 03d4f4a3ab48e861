// What every page starts with: the skip link and the site header, whose session area shows who
// is signed in, their account and log out. A page with a header of its own (the home page
// with the service status, the status page) keeps it and gets the session area filled in.
import { el } from "/js/dom.js";
import { currentSession, logout, PORTALS } from "/js/session.js";

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

renderHeader();
renderSessionNav();
