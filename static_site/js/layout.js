// The header's session area on every page: who is signed in, their account, log out.
import { currentSession, logout, PORTALS } from "/js/session.js";

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
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
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = "Cerrar sesión";
  button.addEventListener("click", logout);
  nav.append(button);
}

renderSessionNav();
