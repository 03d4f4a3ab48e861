// In-app notifications with their read state.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const pageError = document.querySelector("[data-error]");

async function markRead(notification) {
  await api.post(`/v1/notifications/${notification.id}/read`);
  await load();
}

async function load() {
  const answer = await api.get("/v1/notifications");
  document.querySelector("[data-unread]").textContent = answer.unread
    ? `Tienes ${answer.unread} sin leer.` : "No tienes notificaciones sin leer.";
  const list = document.querySelector("[data-notifications]");
  list.replaceChildren(...answer.items.map((n) => el("li", { class: `claim-row${n.read ? "" : " unread"}` },
    el("div", {},
      el("strong", { text: n.title }),
      el("p", { text: n.body }),
      el("p", { class: "meta", text: dateTime(n.created_at) })),
    el("span", { class: "actions" },
      n.claim_id ? el("a", { class: "button small-button secondary", href: `/asegurados/tramite.html?id=${n.claim_id}`, text: "Ver trámite" }) : null,
      n.read ? el("span", { class: "meta", text: "Leída" }) : el("button", {
        type: "button", class: "small-button", text: "Marcar como leída",
        onclick: () => markRead(n).catch((error) => showError(pageError, error)),
      })))));
  if (!answer.items.length) list.append(el("li", { class: "meta", text: "Aún no tienes notificaciones." }));
}

if (session) load().catch((error) => showError(pageError, error));
