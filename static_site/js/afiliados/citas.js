// Appointments: agenda by clinic and date, booking for oneself or a family member,
// upcoming appointments with cancel, and the history.
import { api, clearError, showError } from "/js/api.js";
import { dataParts, el, pagedList } from "/js/dom.js";
import { weekdayDate } from "/js/format.js";
import { showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const BOOKING_WINDOW_DAYS = 14;
const SHIFTS = { matutino: "Turno matutino", vespertino: "Turno vespertino" };
const STATUS = {
  agendada: "Agendada",
  cancelada: "Cancelada",
  atendida: "Atendida",
  no_asistio: "No asistió",
};

const session = requireSession(["afiliado"]);
const form = document.getElementById("search-form");
const {
  notice, formError, agendas: agendasBox, confirm: confirmBox, confirmError, booked: bookedBox,
  history: historyBox, moreHistory,
} = dataParts();
let family = [];
let chosen = null;

function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

function patientName(id) {
  const member = family.find((m) => m.id === id);
  return member ? member.full_name : "";
}

function dataList(pairs) {
  const list = el("dl", { class: "data" });
  for (const [label, value] of pairs) list.append(el("dt", { text: label }), el("dd", { text: value }));
  return list;
}

// --- search and agenda --------------------------------------------------------------------

async function loadChoices() {
  const [members, clinics] = await Promise.all([api.get("/v1/family"), api.get("/v1/clinics?limit=100")]);
  family = members.items;
  const patient = document.getElementById("patient");
  patient.replaceChildren(...family.map((m) => {
    const option = el("option", { text: m.is_self ? `${m.full_name} (yo)` : m.full_name });
    option.value = m.id;
    return option;
  }));
  const clinic = document.getElementById("clinic");
  clinic.replaceChildren(...clinics.items.map((c) => {
    const option = el("option", { text: c.name });
    option.value = c.id;
    return option;
  }));
  const date = document.getElementById("date");
  const today = new Date();
  const last = new Date(today.getTime() + BOOKING_WINDOW_DAYS * 86400000);
  date.min = isoDay(today);
  date.max = isoDay(last);
  const tomorrow = new Date(today.getTime() + 86400000);
  date.value = isoDay(tomorrow);
  document.querySelector("[data-window-hint]").textContent =
    `Puedes agendar desde hoy y hasta ${BOOKING_WINDOW_DAYS} días después.`;
}

function renderAgendas(listing, patientId) {
  agendasBox.replaceChildren();
  if (!listing.items.length) {
    agendasBox.append(el("p", { text: "No hay agenda de medicina general en esa clínica para esa fecha. Prueba con otra fecha.", class: "alert" }));
    return;
  }
  for (const agenda of listing.items) {
    const block = el("article", { class: "card" });
    block.dataset.agenda = agenda.id;
    block.append(el("h3", { text: `${agenda.doctor} · ${SHIFTS[agenda.shift] || agenda.shift}` }));
    const share = el("p", { text: `Lugares por internet disponibles: ${agenda.internet_remaining} de ${agenda.internet_quota}`, class: "meta" });
    share.dataset.internetRemaining = String(agenda.internet_remaining);
    block.append(share);
    if (agenda.internet_remaining === 0) {
      block.append(el("p", { text: "El espacio asignado para internet en la agenda de este médico ya fue ocupado. Puede haber lugares por otros medios: llama o acude a tu clínica.", class: "hint" }));
    }
    const slots = el("div", { class: "actions" });
    slots.setAttribute("role", "group");
    slots.setAttribute("aria-label", `Horarios de ${agenda.doctor}`);
    for (const slot of agenda.slots) {
      const button = el("button", { text: slot.time, class: slot.available ? null : "secondary" });
      button.type = "button";
      button.dataset.slot = slot.id;
      button.disabled = !slot.available;
      button.setAttribute("aria-label", slot.available ? `Agendar a las ${slot.time}` : `${slot.time}, no disponible`);
      button.addEventListener("click", () => askToConfirm(agenda, slot, patientId));
      slots.append(button);
    }
    block.append(slots);
    agendasBox.append(block);
  }
}

async function search() {
  const patientId = form.elements.namedItem("patient").value;
  const clinic = form.elements.namedItem("clinic").value;
  const date = form.elements.namedItem("date").value;
  clearError(formError);
  confirmBox.hidden = true;
  if (!clinic || !date) {
    showError(formError, new Error());
    formError.querySelector("p").textContent = "Elige la clínica y la fecha.";
    return;
  }
  try {
    const listing = await api.get(`/v1/agenda?date=${encodeURIComponent(date)}&clinic=${encodeURIComponent(clinic)}`);
    renderAgendas(listing, patientId);
  } catch (error) {
    showError(formError, error);
  }
}

function askToConfirm(agenda, slot, patientId) {
  chosen = { slotId: slot.id, patientId };
  clearError(confirmError);
  const summary = confirmBox.querySelector("[data-confirm-summary]");
  summary.replaceChildren(...dataList([
    ["Paciente", patientName(patientId)],
    ["Fecha", weekdayDate(agenda.date)],
    ["Hora", slot.time],
    ["Médico", agenda.doctor],
    ["Clínica", agenda.clinic],
  ]).children);
  confirmBox.hidden = false;
  confirmBox.querySelector("[data-confirm-yes]").focus();
}

async function book() {
  if (!chosen) return;
  const button = confirmBox.querySelector("[data-confirm-yes]");
  button.disabled = true;
  try {
    const appointment = await api.post("/v1/appointments", { slot_id: chosen.slotId, patient_id: chosen.patientId });
    confirmBox.hidden = true;
    chosen = null;
    await Promise.all([search(), loadUpcoming(), loadHistory(true)]);
    showSuccess(bookedBox, `Listo: cita agendada para ${appointment.patient_name} el ${weekdayDate(appointment.date)} a las ${appointment.time} con ${appointment.doctor}. Te enviamos la confirmación por correo.`);
  } catch (error) {
    showError(confirmError, error);
    await search().then(() => { confirmBox.hidden = false; });
  } finally {
    button.disabled = false;
  }
}

// --- upcoming and history -----------------------------------------------------------------

function appointmentItem(appointment, withCancel) {
  const item = el("article", { class: "card" });
  item.dataset.appointment = appointment.id;
  item.dataset.status = appointment.status;
  item.append(el("h3", { text: `${weekdayDate(appointment.date)}, ${appointment.time}` }));
  item.append(dataList([
    ["Paciente", appointment.patient_name],
    ["Médico", appointment.doctor],
    ["Clínica", appointment.clinic],
    ["Estado", STATUS[appointment.status] || appointment.status],
  ]));
  if (withCancel && appointment.cancellable) {
    const actions = el("p", { class: "actions" });
    const cancel = el("button", { text: "Cancelar cita", class: "secondary" });
    cancel.type = "button";
    cancel.addEventListener("click", () => cancelAppointment(appointment, cancel));
    actions.append(cancel);
    item.append(actions);
  }
  return item;
}

async function cancelAppointment(appointment, button) {
  if (!window.confirm(`¿Cancelar la cita de ${appointment.patient_name} del ${weekdayDate(appointment.date)} a las ${appointment.time}?`)) return;
  button.disabled = true;
  try {
    await api.delete(`/v1/appointments/${encodeURIComponent(appointment.id)}`);
    await Promise.all([loadUpcoming(), loadHistory(true), agendasBox.childElementCount ? search() : null]);
    showSuccess(bookedBox, "Cita cancelada. El lugar quedó libre para otra persona.");
  } catch (error) {
    showError(notice, error);
    button.disabled = false;
  }
}

async function loadUpcoming() {
  const box = document.querySelector("[data-upcoming]");
  try {
    const listing = await api.get("/v1/appointments?view=proximas&limit=50");
    box.replaceChildren();
    if (!listing.items.length) box.append(el("p", { text: "No tienes citas próximas.", class: "meta" }));
    for (const appointment of listing.items) box.append(appointmentItem(appointment, true));
  } catch (error) {
    showError(notice, error);
  }
}

const loadHistory = pagedList({
  box: historyBox,
  more: moreHistory,
  url: "/v1/appointments?view=historial&limit=10",
  render: (appointment) => appointmentItem(appointment, false),
  empty: "Aún no hay citas en tu historial.",
  onError: (error) => showError(notice, error),
});

if (session) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  confirmBox.querySelector("[data-confirm-yes]").addEventListener("click", book);
  confirmBox.querySelector("[data-confirm-no]").addEventListener("click", () => {
    confirmBox.hidden = true;
    chosen = null;
  });
  loadChoices().catch((error) => showError(notice, error));
  loadUpcoming();
  loadHistory(true);
}
