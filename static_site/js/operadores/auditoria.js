// Operators (administración): the insurer's audit log, filtered by dates (Mexico City days),
// person, action and subject, newest first page by page, and its CSV export.
import { api, clearError, myProfile, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { bindForm, formValues, showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const PAGE_SIZE = "50";
const FILTERS = ["insurer", "from", "to", "actor", "action", "subject"];

// A calendar day in Mexico City as YYYY-MM-DD ("en-CA" writes dates that way).
function mexicoCityDay(moment) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City" }).format(moment);
}

function queryOf(values) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (values[name]) params.set(name, values[name]);
  return params;
}

function who(record) {
  if (!record.actor_email) return el("span", { text: record.actor_id });
  return el("span", {},
    el("span", { text: record.actor_name || record.actor_email }),
    el("br"),
    el("span", { class: "meta", text: record.actor_email }));
}

function recordsTable() {
  const body = el("tbody");
  const table = el("table", { class: "prov-table" },
    el("caption", { class: "meta", text: "Del registro más reciente al más antiguo" }),
    el("thead", {}, el("tr", {}, ...["Fecha y hora", "Quién", "Acción", "Sujeto"].map((h) => el("th", { scope: "col", text: h })))),
    body);
  return { table, body };
}

function row(record) {
  return el("tr", { "data-record": record.id },
    el("td", { text: dateTime(record.at) }),
    el("td", {}, who(record)),
    el("td", { text: record.action_label }),
    el("td", { text: record.subject }));
}

if (requireSession(["operador"])) {
  const form = document.getElementById("audit-form");
  const { error: alert, exported, records, more, export: exportButton, insurerField } = dataParts();
  let applied = new URLSearchParams();
  let cursor = null;
  let body = null;

  const today = mexicoCityDay(new Date());
  form.to.value = today;
  form.from.value = mexicoCityDay(new Date(Date.now() - 29 * 86400000));

  function page(params, from) {
    const query = new URLSearchParams(params);
    query.set("limit", PAGE_SIZE);
    if (from) query.set("cursor", from);
    return api.get(`/v1/operator/audit?${query}`);
  }

  function show(listing, first) {
    if (first) {
      body = null;
      records.replaceChildren();
    }
    if (!body && listing.items.length) {
      const built = recordsTable();
      body = built.body;
      records.replaceChildren(el("div", {
        class: "prov-table-wrap", tabindex: "0", role: "region", "aria-label": "Registros de auditoría",
      }, built.table));
    }
    if (body) for (const record of listing.items) body.append(row(record));
    if (!body) records.replaceChildren(el("p", { class: "meta", text: "No hay registros con esos filtros." }));
    cursor = listing.next_cursor;
    more.hidden = !cursor;
  }

  bindForm(form, async (values) => {
    clearError(alert);
    const params = queryOf(values);
    const listing = await page(params, null);
    applied = params;
    return listing;
  }, (listing) => show(listing, true));

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      show(await page(applied, cursor), false);
    } catch (error) {
      showError(alert, error);
    } finally {
      more.disabled = false;
    }
  });

  exportButton.addEventListener("click", async () => {
    clearError(alert);
    exported.hidden = true;
    exportButton.disabled = true;
    try {
      const file = await api.get(`/v1/operator/audit/export?${queryOf(formValues(form))}`);
      const count = file.rows === 1 ? "1 registro" : `${file.rows.toLocaleString("es-MX")} registros`;
      showSuccess(exported, `Archivo listo con ${count}; descárgalo antes del ${dateTime(file.expires_at)}`);
      exported.append(el("p", {}, el("a", { href: file.url, rel: "noopener", "data-download": true, text: "Descargar el archivo CSV" })));
    } catch (error) {
      showError(alert, error);
    } finally {
      exportButton.disabled = false;
    }
  });

  (async () => {
    try {
      const me = await myProfile();
      me.insurers.forEach((id, index) => form.insurer.add(new Option(me.insurer_names[index] || id, id)));
      insurerField.hidden = me.insurers.length < 2;
      const actions = await api.get("/v1/operator/audit/actions?limit=200");
      for (const item of actions.items) form.action.add(new Option(item.label, item.action));
      const params = queryOf(formValues(form));
      show(await page(params, null), true);
      applied = params;
    } catch (error) {
      showError(alert, error);
    }
  })();
}
