// Operators: clinics, agendas, prescriptions and sick leaves for affiliates.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const notice = document.querySelector("[data-notice]");

function ok(form, message) {
  showSuccess(form.querySelector("[data-form-ok]"), message);
}

async function loadClinics() {
  const select = document.getElementById("agenda_clinic");
  try {
    const listing = await api.get("/v1/clinics?limit=100");
    select.replaceChildren(...listing.items.map((clinic) => el("option", { value: clinic.id, text: clinic.name })));
  } catch (error) {
    showError(notice, error);
  }
}

if (session) {
  const now = new Date();
  const today = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  for (const id of ["agenda_date", "rx_date", "sl_start"]) document.getElementById(id).value = today;
  loadClinics();

  const clinicForm = document.getElementById("clinic-form");
  bindForm(clinicForm, (values) => api.post("/v1/operator/clinics", values), async (clinic) => {
    ok(clinicForm, `Clínica registrada: ${clinic.name}.`);
    await loadClinics();
  });

  const agendaForm = document.getElementById("agenda-form");
  bindForm(
    agendaForm,
    (values) => api.post("/v1/operator/agendas", {
      ...values,
      slot_times: (values.slot_times || "").split(",").map((t) => t.trim()).filter(Boolean),
      internet_quota: Number(values.internet_quota),
    }),
    (agenda) => ok(agendaForm, `Agenda cargada: ${agenda.doctor}, ${agenda.date}, ${agenda.capacity} lugares, ${agenda.internet_quota} por internet.`),
  );

  const rxForm = document.getElementById("rx-form");
  bindForm(
    rxForm,
    (values) => api.post("/v1/operator/prescriptions", {
      nss: values.nss,
      doctor: values.doctor,
      clinic: values.clinic,
      date: values.date,
      medicines: [{ name: values.name, dose: values.dose, quantity: Number(values.quantity) }],
    }),
    (prescription) => ok(rxForm, `Receta emitida para ${prescription.patient_name}.`),
  );

  const slForm = document.getElementById("sl-form");
  bindForm(
    slForm,
    (values) => api.post("/v1/operator/sick-leaves", { ...values, days: Number(values.days) }),
    (sickLeave) => ok(slForm, sickLeave.status === "sellada"
      ? `Incapacidad emitida, autorizada y sellada para ${sickLeave.patient_name}.`
      : `Incapacidad emitida para ${sickLeave.patient_name}; falta autorizarla.`),
  );
}
