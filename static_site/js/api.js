// The one API client of the portals: base URL from config.js, bearer token, JSON errors.
import config from "/config.js";

const TOKEN_KEY = "portal.id_token";
// Refusals that answer for the whole page rather than for one action on it.
const WHOLE_PAGE_REFUSALS = ["forbidden", "provider_only_mexico"];

export class ApiError extends Error {
  constructor(status, code, message, details = [], correlationId = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.correlationId = correlationId;
  }
}

export function apiUrl(path) {
  return `${config.apiUrl}${path}`;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function refreshOnce() {
  let session = null;
  try {
    session = JSON.parse(sessionStorage.getItem("portal.session"));
  } catch {
    session = null;
  }
  if (!session || !session.refreshToken) return false;
  try {
    const response = await fetch(apiUrl("/v1/auth/refresh"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ refresh_token: session.refreshToken }),
    });
    if (!response.ok) return false;
    const tokens = await response.json();
    setToken(tokens.id_token);
    return true;
  } catch {
    return false;
  }
}

export async function request(method, path, body = undefined, retried = false) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error",
      "No pudimos comunicarnos con el servidor. Revisa tu conexión e inténtalo de nuevo.");
  }
  if (response.status === 401 && token && !retried && !path.startsWith("/v1/auth/")) {
    // The id token expired: renew it with the refresh token once, then repeat the request.
    if (await refreshOnce()) return request(method, path, body, true);
  }
  if (response.status === 204) return null;
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = (payload && payload.error) || {};
    if (response.status === 401 && token && error.code === "session_expired") {
      // A staff session ended (idle or too long) and could not be renewed: log in again and
      // come back here.
      setToken(null);
      sessionStorage.removeItem("portal.session");
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(`/entrar.html?vencida=1&siguiente=${next}`);
    }
    if (response.status === 403 && WHOLE_PAGE_REFUSALS.includes(error.code)) {
      // Signed in but not allowed here (an operator without the duty, a Chilean provider on
      // a page of Mexico's): layout.js shows it as the page's whole answer.
      window.dispatchEvent(new CustomEvent("portal:forbidden", { detail: error.message }));
    }
    throw new ApiError(
      response.status,
      error.code || "unexpected_response",
      error.message || "Ocurrió un error inesperado. Inténtalo de nuevo más tarde.",
      error.details || [],
      error.correlation_id || response.headers.get("X-Correlation-Id"),
    );
  }
  return payload;
}

// The signed-in person's profile, asked once per page: the layout's duty check, the portal
// home and the page's own script share the one answer.
let profileAnswer = null;
export function myProfile() {
  if (!profileAnswer) {
    profileAnswer = request("GET", "/v1/me").catch((error) => {
      profileAnswer = null;
      throw error;
    });
  }
  return profileAnswer;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body = {}) => request("PUT", path, body),
  patch: (path, body = {}) => request("PATCH", path, body),
  delete: (path) => request("DELETE", path),
};

// Shows an error for a person: the Spanish message, what to fix, and the tracking code.
export function showError(container, error) {
  container.replaceChildren();
  container.hidden = false;
  container.classList.add("alert", "alert-error");
  container.setAttribute("role", "alert");
  const message = document.createElement("p");
  message.textContent = error instanceof ApiError
    ? error.message
    : "Ocurrió un error inesperado. Inténtalo de nuevo más tarde.";
  container.append(message);
  if (error instanceof ApiError && error.details.length) {
    const list = document.createElement("ul");
    for (const detail of error.details) {
      const item = document.createElement("li");
      // The message alone: a field's path is the API's name, never shown (forms.js puts a
      // form's errors beside its fields).
      item.textContent = detail.message;
      list.append(item);
    }
    container.append(list);
  }
  if (error instanceof ApiError && error.correlationId && error.status >= 500) {
    const code = document.createElement("p");
    code.className = "small";
    code.textContent = `Código de seguimiento: ${error.correlationId}`;
    container.append(code);
  }
}

export function clearError(container) {
  container.replaceChildren();
  container.hidden = true;
}
