// A signed-in person opened a page of a portal that is not theirs (an insured on a providers'
// page): say which portal the page is for and which one their session is of, and offer their
// own portal or to close the session and enter with the right account, back to that page.
import { api } from "/js/api.js";
import { dataParts } from "/js/dom.js";
import { afterLogin, clearSession, currentSession, PORTALS } from "/js/session.js";

const AUDIENCES = {
  asegurado: "asegurados",
  prestador: "prestadores",
  afiliado: "afiliados",
  operador: "el personal de la aseguradora (operadores)",
  plataforma: "los administradores de la plataforma",
};

const params = new URLSearchParams(window.location.search);
// The page asked for, only when it is one of this site's portal pages (never another host).
const asked = params.get("pagina") || "";
const back = asked && afterLogin(asked, null) !== new URL("/", window.location.origin).href
  ? new URL(asked, window.location.origin) : null;
const wanted = (params.get("para") || "").split(",").filter((role) => AUDIENCES[role]);
const session = currentSession();
const { heading, explanation, ownPortal, switchAccount } = dataParts();

function audience(roles) {
  const names = roles.map((role) => AUDIENCES[role]);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} y ${names.at(-1)}` : names[0];
}

if (wanted.length) {
  heading.textContent = `Esta página es para ${audience(wanted)}`;
  document.title = `${heading.textContent} · Portal Médico`;
}
const mine = session && PORTALS[session.role];
if (mine) {
  explanation.textContent = `Iniciaste sesión en el Portal de ${mine.label}, así que no puedes abrirla con esta cuenta. ` +
    "Vuelve a tu portal o cierra la sesión y entra con una cuenta " +
    (wanted.length ? `de ${audience(wanted)}.` : "de ese portal.");
  ownPortal.href = mine.path;
  ownPortal.textContent = `Ir al Portal de ${mine.label}`;
} else {
  explanation.textContent = "No tienes una sesión abierta. Inicia sesión con la cuenta de ese portal.";
  ownPortal.hidden = true;
  switchAccount.textContent = "Iniciar sesión";
}

switchAccount.addEventListener("click", async () => {
  const current = currentSession();
  if (current && current.refreshToken) {
    try {
      await api.post("/v1/auth/logout", { refresh_token: current.refreshToken });
    } catch {
      // The local session ends anyway.
    }
  }
  clearSession();
  const next = back ? `?siguiente=${encodeURIComponent(back.pathname + back.search)}` : "";
  window.location.assign(`/entrar.html${next}`);
});
