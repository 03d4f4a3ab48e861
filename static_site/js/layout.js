// The header's session area on every page: who is signed in, their account, log out.
import { el } from "/js/dom.js";
import { currentSession, logout, PORTALS } from "/js/session.js";

function link(href, text) {
  return el("a", { href, text });
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

renderSessionNav();
