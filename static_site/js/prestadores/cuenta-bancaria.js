// Mi cuenta bancaria: the active account and the one being validated; register a new CLABE
// with its bank statement, follow the upload and the verdict.
import { api, clearError, showError } from "/js/api.js";
import { dataParts, el, uploadToSlot } from "/js/dom.js";
import { mediumDate } from "/js/format.js";
import { bindForm, fieldError, showSuccess } from "/js/forms.js";
import {
  BANK_STATUS, badge, fileSpec, progressIn, reasonList, showRejection, waitFor,
} from "/js/providers.js";
import { requireSession } from "/js/session.js";

function accountCard(title, account) {
  return el("div", { class: "prov-account" },
    el("h3", { text: title }),
    el("dl", { class: "data" },
      el("dt", { text: "Banco" }), el("dd", { text: account.bank }),
      el("dt", { text: "CLABE" }), el("dd", { text: account.clabe }),
      el("dt", { text: "Estado" }), el("dd", {}, badge(account.status, BANK_STATUS)),
      el("dt", { text: "Registrada" }), el("dd", { text: mediumDate(account.created_at) })),
    account.reasons.length ? el("p", { text: "No pudimos validar el estado de cuenta:" }) : null,
    account.reasons.length ? reasonList(account.reasons) : null);
}

if (requireSession(["prestador"])) {
  const form = document.getElementById("bank-form");
  const { accounts: holder, error: alert, progress, verdict } = dataParts();

  async function show() {
    try {
      const state = await api.get("/v1/provider/bank-account");
      const parts = [];
      if (state.active) parts.push(accountCard("Cuenta activa", state.active));
      if (state.pending) {
        const title = state.pending.status === "rechazada" ? "Cuenta rechazada" : "Cuenta en validación";
        parts.push(accountCard(title, state.pending));
      }
      if (!parts.length) {
        parts.push(el("p", { text: "Aún no registras una cuenta bancaria. Sin una cuenta activa no podemos depositarte pagos." }));
      }
      holder.replaceChildren(...parts);
      holder.dataset.status = state.status;
    } catch (error) {
      showError(alert, error);
    }
  }

  bindForm(form, async (values) => {
    const file = form.statement.files[0];
    if (!file) {
      // Nothing to send without the PDF: say it, and an empty CLABE with it.
      throw fieldError([
        ...(values.clabe ? [] : [{ field: "clabe", message: "Escribe la CLABE de 18 dígitos." }]),
        { field: "statement", message: "Elige el PDF de tu estado de cuenta." },
      ]);
    }
    clearError(verdict);
    const answer = await api.put("/v1/provider/bank-account",
      { clabe: values.clabe, statement: fileSpec(file) });
    await uploadToSlot(answer.slot, file, progressIn(progress, file.name));
    return waitFor(`/v1/documents/${answer.slot.document_id}`, (d) => d.status !== "pendiente");
  }, async (document) => {
    progress.hidden = true;
    if (document.status === "aceptado") {
      showSuccess(verdict, "¡Listo! Validamos tu estado de cuenta y tu cuenta bancaria quedó activa.");
      form.reset();
    } else if (document.status === "rechazado") {
      showRejection(verdict, "No pudimos validar tu estado de cuenta:", document.reasons);
    } else {
      showSuccess(verdict, "Seguimos revisando tu estado de cuenta; te avisaremos por correo.");
    }
    // The account's own state follows the verdict a moment later.
    await waitFor("/v1/provider/bank-account", (s) => !s.pending || s.pending.status !== "en_validacion", 10);
    await show();
  });

  show();
}
