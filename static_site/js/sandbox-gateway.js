// The sandbox payment gateway's browser side: it turns a card into a single-use token, as a
// real gateway's script does, so the card number never reaches the Portal Médico API.
// Test cards: 4242 4242 4242 4242 approved; 4000 0000 0000 0002 declined;
// 4000 0000 0000 9995 insufficient funds. Any future expiry date and any 3-digit CVC.
const OUTCOMES = {
  "4242424242424242": "approved",
  "4000000000000002": "declined",
  "4000000000009995": "insufficient_funds",
};

// What is wrong with the card: `problems` says each field ("number", "expiry", "cvc") with
// its message, all of them at once.
export class CardError extends Error {
  constructor(problems) {
    super(problems[0].message);
    this.problems = problems;
  }
}

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function randomSuffix() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function problemsOf(digits, expiry, cvc) {
  const problems = [];
  if (!digits) problems.push({ field: "number", message: "Escribe el número de tu tarjeta." });
  else if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) {
    problems.push({ field: "number", message: "El número de tarjeta no es válido. Revísalo." });
  }
  const match = /^(\d{2})\s*\/\s*(\d{2})$/.exec(expiry);
  if (!expiry) problems.push({ field: "expiry", message: "Escribe el vencimiento de tu tarjeta (MM/AA)." });
  else if (!match || Number(match[1]) < 1 || Number(match[1]) > 12
      || new Date(2000 + Number(match[2]), Number(match[1])) <= new Date()) {
    problems.push({ field: "expiry", message: "La fecha de vencimiento no es válida (MM/AA)." });
  }
  if (!cvc) problems.push({ field: "cvc", message: "Escribe el código de seguridad de tu tarjeta." });
  else if (!/^\d{3,4}$/.test(cvc)) {
    problems.push({ field: "cvc", message: "El código de seguridad debe tener 3 o 4 dígitos." });
  }
  return problems;
}

export async function createToken({ number, expiry, cvc }) {
  const digits = (number || "").replace(/[\s-]/g, "");
  const problems = problemsOf(digits, (expiry || "").trim(), (cvc || "").trim());
  if (problems.length) throw new CardError(problems);
  const outcome = OUTCOMES[digits] || "declined";
  return `tok_sandbox_${outcome}_${randomSuffix()}`;
}
