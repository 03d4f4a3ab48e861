// A traditional care order: its data and one merged PDF, or the three PDFs we merge into the
// order format; follows each upload and the format's verdict.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { el, uploadToSlot } from "/js/dom.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { careOrderFields, fileSpec, showRejection, waitFor } from "/js/providers.js";
import { requireSession } from "/js/session.js";

const PARTS = ["carta", "estado_cuenta", "constancia_fiscal"];

if (requireSession(["prestador"])) {
  const form = document.getElementById("traditional-form");
  const alert = document.querySelector("[data-error]");
  const progress = document.querySelector("[data-progress]");
  const verdict = document.querySelector("[data-verdict]");
  form.date.value = new Date().toISOString().slice(0, 10);

  for (const radio of form.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", () => {
      for (const block of form.querySelectorAll("[data-mode]")) block.hidden = block.dataset.mode !== radio.value || !radio.checked;
    });
  }

  function missing(id, message) {
    return new ApiError(422, "validation_error", message, [{ field: id, code: "missing", message }]);
  }

  bindForm(form, async (values) => {
    const picked = values.mode === "one"
      ? [["orden", form.querySelector("#orden").files[0]]]
      : PARTS.map((id) => [id, form.querySelector(`#${id}`).files[0]]);
    for (const [id, file] of picked) {
      if (!file) throw missing(id, "Elige el PDF.");
    }
    clearError(verdict);
    const answer = await api.post("/v1/care-orders/traditional", {
      insurer_id: values.insurer_id || "",
      ...careOrderFields(values),
      files: picked.map(([id, file]) => ({ ...fileSpec(file), doc_type: id })),
    });
    progress.replaceChildren();
    progress.hidden = false;
    await Promise.all(answer.slots.map((slot, index) => {
      const [, file] = picked[index];
      const bar = el("progress", { max: "100", value: "0", "aria-label": `Subiendo ${file.name}` });
      progress.append(el("div", { class: "prov-progress" }, el("span", { text: file.name }), bar));
      return uploadToSlot(slot, file, (percent) => { bar.value = percent; });
    }));
    return waitFor(`/v1/care-orders/${answer.order.id}`, (o) => o.format && o.format.status !== "pendiente", 90);
  }, async (order) => {
    progress.hidden = true;
    const link = el("a", { href: `/prestadores/orden.html?id=${order.id}`, text: "Ver la orden" });
    if (order.format.status === "aceptado") {
      showSuccess(verdict, order.format.merged
        ? `Orden ${order.account_number} registrada: revisamos tus PDF y los unimos en el formato de la orden.`
        : `Orden ${order.account_number} registrada.`);
      verdict.append(link);
      form.reset();
      form.date.value = new Date().toISOString().slice(0, 10);
    } else if (order.format.status === "rechazado") {
      showRejection(verdict, "La orden se registró, pero estos documentos no se aceptaron:",
        order.format.reasons, link);
    } else {
      showSuccess(verdict, "Seguimos revisando tus documentos.");
      verdict.append(link);
    }
  });

  (async () => {
    try {
      const me = await api.get("/v1/me");
      me.insurers.forEach((id, index) => form.insurer_id.add(new Option(me.insurer_names[index] || id, id)));
      if (!me.insurers.length) {
        showError(alert, new ApiError(409, "no_insurer",
          "Tu cuenta aún no está vinculada con una aseguradora; pide a la aseguradora que te dé de alta en su red."));
      }
    } catch (error) {
      showError(alert, error);
    }
  })();
}
