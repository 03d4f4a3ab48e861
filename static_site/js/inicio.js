// A portal's home as a dashboard: what the signed-in person has to look at, from one read of
// GET /v1/me/home (current claims and unread notifications; the provider's own country, the
// CLABE still to register, orders to invoice or the latest settlement; the next appointment
// and the dues; the claims queues). The links of the home stay as they are; this fills
// `[data-dashboard]` and shows the provider only its country's links (`[data-country]`).
import { api, showError } from "/js/api.js";
import { statusBadge } from "/js/claims.js";
import { el } from "/js/dom.js";
import { clp, dateTime, longDate, moneyWithCurrency, weekdayDate } from "/js/format.js";
import { badge } from "/js/payment-slip.js";
import { currentSession, PORTALS } from "/js/session.js";

const main = document.querySelector("[data-portal]");
const board = main && main.querySelector("[data-dashboard]");

function card(title, ...children) {
  const id = `home-${title.toLowerCase().normalize("NFD").replace(/[^a-z]+/g, "-")}`;
  return el("section", { class: "card home-card", "aria-labelledby": id },
    el("h2", { id, text: title }), ...children);
}

function link(href, text) {
  return el("a", { href, text });
}

// --- insured ------------------------------------------------------------------------------

// What the insured has to do for a claim, when it waits on them.
const PENDING_ACTIONS = {
  borrador: "Continúa tu trámite: sube tus documentos y genera el folio.",
  pendiente_documentos: "Te pedimos documentos: envíalos desde el detalle del trámite.",
};

function claimLine(claim) {
  const name = claim.folio ? `Folio ${claim.folio}` : "Trámite en borrador";
  const action = PENDING_ACTIONS[claim.status];
  return el("li", { class: "home-item", "data-claim": claim.id },
    el("p", {}, link(`/asegurados/tramite.html?id=${encodeURIComponent(claim.id)}`, name), " ",
      statusBadge(claim.status)),
    el("p", { class: "meta", text: `${claim.type_label} · ${claim.member_name} · actualizado ${dateTime(claim.updated_at)}` }),
    action ? el("p", { class: "home-action", "data-pending-action": claim.status, text: action }) : null);
}

function insured(home) {
  const { current_claims: claims, more_claims: more, unread_notifications: unread } = home;
  const list = claims.length
    ? el("ul", { class: "home-list", "data-current-claims": true }, ...claims.map(claimLine))
    : el("p", { class: "meta", text: "No tienes trámites en curso. Cuando registres uno, lo verás aquí con su estado." });
  const notices = unread === 0
    ? "No tienes notificaciones sin leer."
    : `Tienes ${unread} ${unread === 1 ? "notificación sin leer" : "notificaciones sin leer"}.`;
  return [
    card("Trámites actuales", list,
      el("p", {}, link("/asegurados/tramites.html", more ? "Ver todos mis trámites" : "Ir a Mis trámites"))),
    card("Notificaciones",
      el("p", { "data-unread": String(unread), class: unread ? "home-figure" : null, text: notices }),
      el("p", {}, link("/asegurados/notificaciones.html", "Ver mis notificaciones"))),
  ];
}

// --- providers ----------------------------------------------------------------------------

const BANK_PROMPTS = {
  sin_registrar: ["Registra tu cuenta CLABE", "Para recibir el pago de tus facturas registra tu cuenta CLABE y el estado de cuenta que la respalda.", "Registrar mi cuenta CLABE"],
  rechazada: ["Tu cuenta bancaria fue rechazada", "Revisa los motivos y registra de nuevo tu cuenta CLABE con un estado de cuenta reciente.", "Ver los motivos y corregir"],
  en_validacion: ["Tu cuenta bancaria está en validación", "Revisamos tu estado de cuenta; te avisaremos cuando quede activa.", "Ver mi cuenta bancaria"],
};

function mexicanProvider(home) {
  const parts = [];
  const prompt = BANK_PROMPTS[home.bank_account_status];
  if (prompt) {
    const [title, text, action] = prompt;
    parts.push(el("section", { class: "alert home-prompt", "data-clabe-prompt": home.bank_account_status, "aria-labelledby": "home-clabe" },
      el("h2", { id: "home-clabe", text: title }), el("p", { text }),
      el("p", {}, el("a", { class: "button", href: "/prestadores/cuenta-bancaria.html", text: action }))));
  }
  const count = home.orders_to_invoice;
  const figure = count === 0 ? "No tienes órdenes por facturar."
    : `${count}${home.more_orders ? " o más" : ""} ${count === 1 ? "orden lista" : "órdenes listas"} para facturar.`;
  parts.push(card("Órdenes por facturar",
    el("p", { class: count ? "home-figure" : null, "data-orders-to-invoice": String(count), text: figure }),
    el("p", {}, link("/prestadores/ordenes.html", "Ir a Mis órdenes y facturas"))));
  return parts;
}

function chileanProvider(home) {
  const latest = home.latest_settlement;
  if (!latest) {
    return [card("Última liquidación", el("p", { class: "meta", text: "Aún no tienes liquidaciones. Se generan cada miércoles con las transacciones de la semana." }))];
  }
  const status = latest.status === "pagado" ? "Pagada" : "Pendiente de pago";
  return [card("Última liquidación",
    el("dl", { class: "data", "data-latest-settlement": latest.folio },
      el("dt", { text: "Folio" }), el("dd", { text: latest.folio }),
      el("dt", { text: "Liquidada el" }), el("dd", { text: longDate(latest.settled_on) }),
      el("dt", { text: "Fecha de pago" }), el("dd", { text: longDate(latest.paid_on) }),
      el("dt", { text: "Total" }), el("dd", { text: clp(latest.total) }),
      el("dt", { text: "Estado" }), el("dd", { text: status })),
    el("p", {}, link(`/prestadores/liquidacion.html?folio=${encodeURIComponent(latest.folio)}`, "Ver el detalle de la liquidación")))];
}

function provider(home) {
  // Only the provider's own country's links: a Chilean provider has no orders or CLABE here.
  for (const section of main.querySelectorAll("[data-country]")) {
    section.hidden = section.dataset.country !== home.country;
  }
  return home.country === "CL" ? chileanProvider(home.chile) : mexicanProvider(home.mexico);
}

// --- affiliates ---------------------------------------------------------------------------

function affiliate(home) {
  const next = home.next_appointment;
  const appointment = next
    ? el("dl", { class: "data", "data-next-appointment": next.id },
      el("dt", { text: "Fecha" }), el("dd", { text: `${weekdayDate(next.date)}, ${next.time} h` }),
      el("dt", { text: "Paciente" }), el("dd", { text: next.patient_name }),
      el("dt", { text: "Médico" }), el("dd", { text: next.doctor }),
      el("dt", { text: "Clínica" }), el("dd", { text: next.clinic }))
    : el("p", { class: "meta", "data-next-appointment": "", text: "No tienes citas próximas." });
  const memberships = home.memberships.length
    ? el("ul", { class: "home-list" }, ...home.memberships.map((m) => el("li", { class: "home-item", "data-membership": m.id },
      el("p", {}, el("strong", { text: `${m.plan} · ${m.member_number}` }), " ", badge(m.status)),
      el("p", { class: "meta", text: m.months_due
        ? `Debes ${m.months_due} ${m.months_due === 1 ? "mes" : "meses"}: ${moneyWithCurrency(m.amount_due)}.`
        : `Pagada hasta ${longDate(m.paid_through)}.` }))))
    : el("p", { class: "meta", text: "Aún no tienes una membresía." });
  return [
    card("Próxima cita", appointment, el("p", {}, link("/afiliados/citas.html", next ? "Ver o cancelar mis citas" : "Agendar una cita"))),
    card("Mi membresía", memberships, el("p", {}, link("/afiliados/membresia.html", "Ver mi membresía"), " · ", link("/pagos/", "Pagar"))),
  ];
}

// --- operators ----------------------------------------------------------------------------

function operator(home) {
  if (!home.queues.length) return [];
  const insurers = [...new Set(home.queues.map((q) => q.insurer_id))];
  const rows = home.queues.map((queue) => el("li", { class: "home-item", "data-queue": `${queue.insurer_id}:${queue.status}` },
    link(`/operadores/tramites.html?estado=${queue.status}`,
      `${queue.status_label}${insurers.length > 1 ? ` (${queue.insurer_id.toUpperCase()})` : ""}`),
    ": ", el("strong", { text: `${queue.count}${queue.more ? "+" : ""}` })));
  return [card("Bandejas de trámites", el("ul", { class: "home-list home-queues" }, ...rows))];
}

const RENDER = { asegurado: (h) => insured(h.insured), prestador: (h) => provider(h.provider), afiliado: (h) => affiliate(h.affiliate), operador: (h) => operator(h.operator) };

async function show() {
  board.setAttribute("aria-busy", "true");
  try {
    const home = await api.get("/v1/me/home");
    board.replaceChildren(...RENDER[home.role](home));
  } catch (error) {
    // Without the home's answer every link of the portal shows; each page asks for itself.
    for (const section of main.querySelectorAll("[data-country]")) section.hidden = false;
    const box = el("div");
    board.replaceChildren(box);
    showError(box, error);
  } finally {
    board.removeAttribute("aria-busy");
  }
}

// A session of another portal on this home: say so above the log-in offer, with the way back.
function otherPortalNote(mine) {
  const guest = main.querySelector("[data-guest]");
  if (!guest || guest.querySelector("[data-other-portal]")) return;
  const here = PORTALS[main.dataset.portal];
  guest.prepend(el("p", { class: "alert", role: "note", "data-other-portal": true },
    `Este es el Portal de ${here ? here.label : "otro tipo de usuario"} y tu sesión es del Portal de ${mine.label}. `,
    link(mine.path, `Ir al Portal de ${mine.label}`),
    ", o entra con otra cuenta."));
}

const session = currentSession();
if (main && session && session.role === main.dataset.portal) {
  if (board) show();
} else if (main && session && PORTALS[session.role]) {
  otherPortalNote(PORTALS[session.role]);
}
