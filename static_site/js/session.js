// The signed-in session: tokens live in sessionStorage (never in a URL), per browser tab.
import { api, setToken } from "/js/api.js";

const KEY = "portal.session";

export const PORTALS = {
  asegurado: { path: "/asegurados/", label: "Asegurados" },
  prestador: { path: "/prestadores/", label: "Prestadores" },
  afiliado: { path: "/afiliados/", label: "Afiliados" },
  operador: { path: "/operadores/", label: "Operadores" },
  plataforma: { path: "/plataforma/", label: "Plataforma" },
};

// What an insurer's operator may do (the API's duties), as the portal names them.
export const DUTY_LABELS = {
  dictamen: "dictamen de trámites",
  finanzas: "finanzas (facturas, pagos y liquidaciones)",
  servicios: "servicios médicos (clínicas, agendas, recetas e incapacidades)",
  administracion: "administración (personal, configuración, importaciones y auditoría)",
};

// The duties an element names in `data-duty`, separated by spaces: any one of them opens it.
export function dutiesOf(element) {
  return (element.dataset.duty || "").split(/\s+/).filter(Boolean);
}

// Where a log-in may continue: the portals and the account page that every role has.
const RETURN_PREFIXES = Object.values(PORTALS).map((portal) => portal.path);
const RETURN_PAGES = ["/cuenta.html"];

// The page to open after logging in: `next` (the `siguiente` parameter) when it is one of
// this site's portal pages, the role's home otherwise. `next` is parsed as the browser will
// parse it, never compared as text: "/\evil.example" and "/%09/evil.example" are another host.
export function afterLogin(next, role) {
  const home = new URL(PORTALS[role] ? PORTALS[role].path : "/", window.location.origin).href;
  if (!next) return home;
  let url;
  try {
    url = new URL(next, window.location.origin);
  } catch {
    return home;
  }
  if (url.origin !== window.location.origin) return home;
  const path = url.pathname;
  const ours =
    RETURN_PAGES.includes(path) || RETURN_PREFIXES.some((prefix) => path.startsWith(prefix));
  return ours ? url.href : home;
}

export function currentSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function startSession(result) {
  const session = {
    role: result.role,
    refreshToken: result.refresh_token,
    expiresAt: Date.now() + (result.expires_in || 3600) * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  setToken(result.id_token);
  return session;
}

export function updateTokens(result) {
  const session = currentSession();
  if (!session) return;
  session.expiresAt = Date.now() + (result.expires_in || 3600) * 1000;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  setToken(result.id_token);
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
  setToken(null);
}

export async function logout() {
  const session = currentSession();
  if (session && session.refreshToken) {
    try {
      await api.post("/v1/auth/logout", { refresh_token: session.refreshToken });
    } catch {
      // The local session ends anyway.
    }
  }
  clearSession();
  window.location.assign("/entrar.html?salida=1");
}

// Sends the person to log in unless a session is open; a session of another role than
// `roles` is told which portal the page is for (otro-portal.html), not sent to log in.
export function requireSession(roles) {
  const session = currentSession();
  const page = encodeURIComponent(window.location.pathname + window.location.search);
  if (!session) {
    window.location.replace(`/entrar.html?siguiente=${encodeURIComponent(window.location.pathname)}`);
    return null;
  }
  if (roles && !roles.includes(session.role)) {
    window.location.replace(`/otro-portal.html?pagina=${page}&para=${encodeURIComponent(roles.join(","))}`);
    return null;
  }
  return session;
}
