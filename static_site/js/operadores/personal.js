// Operators (duty administracion): the insurer's staff, inviting a person, changing duties,
// disabling and enabling accounts and resetting a person's two-step verification.
import { api, myProfile, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { dateTime, READER_ZONE } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { DUTY_LABELS, requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const pageError = document.querySelector("[data-error]");
const notice = document.querySelector("[data-notice]");
const list = document.querySelector("[data-staff]");
const more = document.querySelector("[data-more]");
const inviteForm = document.getElementById("invite-form");
const STATUS = { pendiente: "Invitación pendiente", activa: "Activa", deshabilitada: "Deshabilitada" };
const DUTY_NAMES = { dictamen: "Dictamen", finanzas: "Finanzas", servicios: "Servicios médicos", administracion: "Administración" };
let myId = null;
let cursor = null;

// One checkbox per duty, labelled; `prefix` keeps ids unique on the page. The group holds the
// API's `duties` (its boxes are each `duty`), so a refusal of it is said inside the group.
function dutyBoxes(container, prefix, checked = []) {
  for (const [duty, name] of Object.entries(DUTY_NAMES)) {
    const id = `${prefix}-${duty}`;
    container.append(el("div", { class: "field check" },
      el("input", { type: "checkbox", id, name: "duty", value: duty, checked: checked.includes(duty) }),
      el("label", { for: id, text: `${name}: ${DUTY_LABELS[duty]}` })));
  }
}

function chosenDuties(form) {
  return [...form.querySelectorAll("input[name=duty]:checked")].map((box) => box.value);
}

function said(message) {
  showSuccess(notice, message);
  notice.scrollIntoView({ block: "nearest" });
}

async function act(row, work) {
  const rowError = row.querySelector("[data-row-error]");
  rowError.hidden = true;
  try {
    await work();
  } catch (error) {
    showError(rowError, error);
    rowError.focus();
  }
}

function resetConfirmation(person, row) {
  const panel = el("div", { class: "alert", role: "group", "aria-label": "Confirmar el restablecimiento", "data-confirm-reset": true },
    el("p", { text: `¿Restablecer la verificación en dos pasos de ${person.full_name}? Sus sesiones se cerrarán y recibirá por correo un enlace para configurar su aplicación de nuevo.` }));
  const yes = el("button", { type: "button", text: "Sí, restablecer" });
  const no = el("button", { type: "button", class: "secondary", text: "Cancelar" });
  no.addEventListener("click", () => {
    panel.remove();
    row.querySelector("[data-reset]").focus();
  });
  yes.addEventListener("click", () => act(row, async () => {
    const answer = await api.post(`/v1/operator/staff/${encodeURIComponent(person.id)}/totp-reset`, {});
    panel.remove();
    said(answer.message);
  }));
  panel.append(el("p", { class: "actions" }, yes, no));
  return { panel, yes };
}

function row(person) {
  const own = person.id === myId;
  const item = el("li", { class: "card", "data-person": person.email });
  const dutiesForm = el("form", { class: "form", novalidate: true });
  const boxes = el("fieldset", { class: "field", id: `duties-${person.id}`, "data-error-for": "duties" },
    el("legend", { text: `Funciones de ${person.full_name}` }));
  dutyBoxes(boxes, `d-${person.id}`, person.duties);
  if (own) {
    const mine = boxes.querySelector(`#d-${CSS.escape(person.id)}-administracion`);
    mine.disabled = true;
    boxes.append(el("p", { class: "hint", text: "No puedes quitarte la función de administración; otro administrador puede hacerlo." }));
  }
  dutiesForm.append(boxes, el("div", { "data-form-error": true, hidden: true }),
    el("button", { type: "submit", class: "small-button", text: "Guardar funciones" }));
  bindForm(
    dutiesForm,
    () => api.patch(`/v1/operator/staff/${encodeURIComponent(person.id)}`, {
      duties: own ? [...new Set([...chosenDuties(dutiesForm), "administracion"])] : chosenDuties(dutiesForm),
    }),
    async () => {
      said(`Guardamos las funciones de ${person.full_name}.`);
      await load();
    },
  );

  const actions = el("p", { class: "actions" });
  if (!own) {
    const enable = person.status === "deshabilitada";
    actions.append(el("button", {
      type: "button", class: "secondary small-button", "data-toggle": true,
      text: enable ? "Habilitar" : "Deshabilitar",
      onclick: () => act(item, async () => {
        await api.patch(`/v1/operator/staff/${encodeURIComponent(person.id)}`, { active: enable });
        said(enable
          ? `Habilitamos la cuenta de ${person.full_name}.`
          : `Deshabilitamos la cuenta de ${person.full_name}; sus sesiones se cerraron.`);
        await load();
      }),
    }));
  }
  if (person.status === "activa" && !own) {
    const reset = el("button", { type: "button", class: "secondary small-button", "data-reset": true, text: "Restablecer verificación en dos pasos" });
    reset.addEventListener("click", () => {
      if (item.querySelector("[data-confirm-reset]")) return;
      const { panel, yes } = resetConfirmation(person, item);
      actions.after(panel);
      yes.focus();
    });
    actions.append(reset);
  }

  const lastLogin = person.last_login_at ? dateTime(person.last_login_at, READER_ZONE) : "nunca";
  item.append(
    el("h3", {}, el("span", { text: person.full_name }), own ? el("span", { class: "meta", text: " (tú)" }) : null),
    el("p", {},
      el("span", { class: `prov-badge prov-${person.status}`, text: STATUS[person.status] || person.status }),
      el("span", { class: "meta", text: ` · ${person.email} · alta: ${dateTime(person.created_at, READER_ZONE)} · último inicio de sesión: ${lastLogin}` })),
    dutiesForm,
    actions,
    el("div", { "data-row-error": true, tabindex: "-1", hidden: true }),
  );
  return item;
}

async function load(next = false) {
  if (!next) cursor = null;
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  const page = await api.get(`/v1/operator/staff${query}`);
  if (!next) list.replaceChildren();
  list.append(...page.items.map(row));
  if (!list.childElementCount) list.append(el("li", { class: "meta", text: "Aún no hay personal registrado." }));
  cursor = page.next_cursor;
  more.hidden = !cursor;
}

dutyBoxes(inviteForm.querySelector("[data-duties]"), "invite");
bindForm(
  inviteForm,
  (values) => api.post("/v1/operator/staff", {
    email: values.email || "", full_name: values.full_name || "", duties: chosenDuties(inviteForm),
  }),
  async (answer) => {
    inviteForm.reset();
    said(answer.message);
    await load();
  },
);
more.addEventListener("click", () => load(true).catch((error) => showError(pageError, error)));

if (session) {
  myProfile()
    .then((profile) => { myId = profile.id; })
    .catch(() => {})
    .then(() => load())
    .catch((error) => showError(pageError, error));
}
