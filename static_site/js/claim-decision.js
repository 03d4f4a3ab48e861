// The amounts of a claim's approval as both portals show them: approved amount, deductible,
// coinsurance and the net the insurer pays (money stays the API's decimal strings).
import { el } from "/js/dom.js";
import { longDate, money } from "/js/format.js";

const DECIDED = ["aprobado", "rechazado", "pagado", "autorizado"];

// The `dt`/`dd` pairs of the approval, or none when the claim has no decision.
export function decisionRows(decision) {
  if (!decision) return [];
  const rows = [
    ["approved", "Monto aprobado", money(decision.approved_amount)],
    ["deductible", "Deducible", `− ${money(decision.deductible)}`],
    ["coinsurance", "Coaseguro", `− ${money(decision.coinsurance)}`],
    ["net", "Neto a pagar", money(decision.net_payable)],
  ];
  return rows.flatMap(([name, term, text]) => [
    el("dt", { text: term }),
    el("dd", { [`data-decision-${name}`]: true, text, class: name === "net" ? "total" : null }),
  ]);
}

// The deadline line of a claim: the estimated answer while it waits, the day it was decided
// once it is (an answered claim has no estimate left to wait for).
export function answerRow(claim) {
  if (DECIDED.includes(claim.status)) {
    const decided = [...claim.history].reverse().find((entry) => DECIDED.includes(entry.to));
    return ["Respuesta", decided ? `Resuelto el ${longDate(decided.at)}` : "Resuelto"];
  }
  return ["Respuesta estimada", claim.estimated_response_date ? longDate(claim.estimated_response_date) : "—"];
}
