// Dates, times and money as every page shows them: one convention for the whole site, the same
// as the emails and exports (chalicelib/kernel/formats.py):
//   a day        "7 dic 2026"
//   a moment     "7 dic 2026, 14:48 h" on the insurer's clock (Mexico City; Santiago for the
//                Chilean settlement pages, see useCountryClock), never raw UTC
//   money        "$1,350.00" (MXN) and "$45.000" (CLP)
// Money arrives from the API as {amount: "1234.50", currency}: the amount stays a string and
// any sum is made in whole centavos, never in floating point.

const ZONES = { MX: "America/Mexico_City", CL: "America/Santiago" };
let insurerZone = ZONES.MX;
// The account's own data and the certificate check show instants on the reader's clock
// rather than the insurer's; pass this as `zone` to keep that.
export const READER_ZONE = null;
const NONE = "—";
const MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"];
const WEEKDAYS = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"];

// The pages of a Chilean insurer or provider read moments on Santiago's clock.
export function useCountryClock(country) {
  insurerZone = ZONES[country] || ZONES.MX;
}

// The calendar parts of an instant on `zone`'s clock (the reader's when null).
function partsOf(iso, zone) {
  const options = { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (zone) options.timeZone = zone;
  const parts = {};
  for (const part of new Intl.DateTimeFormat("en-US", options).formatToParts(new Date(iso))) {
    parts[part.type] = part.value;
  }
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    time: `${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`,
  };
}

// A calendar date ("2026-03-05") is that day wherever it is read; a moment
// ("2026-03-05T02:00:00Z") is the day it is on the insurer's clock.
function dayParts(value, zone = insurerZone) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [year, month, day] = value.split("-").map(Number);
    return { year, month, day };
  }
  return partsOf(value, zone);
}

// "7 dic 2026"
export function day(value, zone = insurerZone) {
  if (!value) return NONE;
  const parts = dayParts(value, zone);
  return `${parts.day} ${MONTHS[parts.month - 1]} ${parts.year}`;
}

// "jueves 5 mar 2026": a day to plan (an appointment).
export function weekdayDate(value) {
  if (!value) return NONE;
  const { year, month, day: date } = dayParts(value);
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, date, 12)).getUTCDay()];
  return `${weekday} ${date} ${MONTHS[month - 1]} ${year}`;
}

// "14:48 h"
export function time(iso, zone = insurerZone) {
  return iso ? `${partsOf(iso, zone).time} h` : NONE;
}

// "7 dic 2026, 14:48 h"
export function dateTime(iso, zone = insurerZone) {
  if (!iso) return NONE;
  const parts = partsOf(iso, zone);
  return `${parts.day} ${MONTHS[parts.month - 1]} ${parts.year}, ${parts.time} h`;
}

// The names the pages have long used, all saying the one convention above.
export const longDate = (value) => day(value);
export const mediumDate = (value) => day(value);
export const numericDate = (value) => day(value);
export const shortDate = (value, zone = insurerZone) => day(value, zone);
export const longDateTime = (iso, zone = insurerZone) => dateTime(iso, zone);
export const shortDateTime = (iso, zone = insurerZone) => dateTime(iso, zone);

// "$1,234.50" from {amount: "1234.50", currency: "MXN"}, grouping the string's digits.
export function money(value) {
  if (!value) return NONE;
  const negative = value.amount.startsWith("-");
  const [whole, cents = "00"] = value.amount.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${grouped}.${cents.padEnd(2, "0")}`;
}

// "$1,234.50 MXN"
export function moneyWithCurrency(value) {
  return value ? `${money(value)} ${value.currency}` : NONE;
}

// "$592.199" from {amount: "592199", currency: "CLP"}; the amount is whole pesos.
export function clp(value) {
  if (!value) return NONE;
  const negative = value.amount.startsWith("-");
  const grouped = value.amount.replace(/^-/, "").split(".")[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${negative ? "-" : ""}$${grouped}`;
}

// Whole centavos of an amount, for sums: "1234.5" → 123450.
export function toCents(value) {
  const [whole, cents = "0"] = value.amount.split(".");
  return Number(whole) * 100 + Number(cents.padEnd(2, "0"));
}

// The API's money shape back from whole centavos: 123450 → {amount: "1234.50", currency}.
export function fromCents(total, currency = "MXN") {
  const cents = String(total % 100).padStart(2, "0");
  return { amount: `${Math.floor(total / 100)}.${cents}`, currency };
}
