// Dates and money as every page shows them (es-MX; Chilean pesos for the settlement pages).
// Money arrives from the API as {amount: "1234.50", currency}: the amount stays a string and
// any sum is made in whole centavos, never in floating point.

const MEXICO_CITY = "America/Mexico_City";
// The account's own data and the certificate check have always shown instants on the
// reader's clock rather than Mexico City's; pass this as `zone` to keep that.
export const READER_ZONE = null;
const NONE = "—";

// A calendar date ("2026-03-05", or the date of a timestamp) at noon UTC, formatted in UTC:
// no time zone can move it to the day before or after.
function calendarDay(isoDate, options) {
  const [year, month, day] = isoDate.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day, 12))
    .toLocaleDateString("es-MX", { ...options, timeZone: "UTC" });
}

// "5 de marzo de 2026"
export function longDate(isoDate) {
  return isoDate ? calendarDay(isoDate, { dateStyle: "long" }) : NONE;
}

// "jueves, 5 de marzo de 2026"
export function weekdayDate(isoDate) {
  return isoDate ? calendarDay(isoDate, { dateStyle: "full" }) : NONE;
}

// "5 mar 2026"
export function mediumDate(isoDate) {
  return isoDate ? calendarDay(isoDate, { dateStyle: "medium" }) : NONE;
}

// "05-03-2026", as the Chilean settlement documents write dates.
export function numericDate(isoDate) {
  if (!isoDate) return NONE;
  const [year, month, day] = isoDate.slice(0, 10).split("-");
  return `${day}-${month}-${year}`;
}

function instant(iso, options, zone) {
  if (!iso) return NONE;
  return new Date(iso).toLocaleString("es-MX", zone ? { ...options, timeZone: zone } : options);
}

// "5 mar 2026, 10:30"
export function dateTime(iso, zone = MEXICO_CITY) {
  return instant(iso, { dateStyle: "medium", timeStyle: "short" }, zone);
}

// "5 de marzo de 2026, 10:30"
export function longDateTime(iso, zone = MEXICO_CITY) {
  return instant(iso, { dateStyle: "long", timeStyle: "short" }, zone);
}

// "5/3/2026, 10:30:00"
export function shortDateTime(iso, zone = MEXICO_CITY) {
  return instant(iso, {}, zone);
}

// "5/3/2026": the day of an instant.
export function shortDate(iso, zone = MEXICO_CITY) {
  if (!iso) return NONE;
  return new Date(iso).toLocaleDateString("es-MX", zone ? { timeZone: zone } : {});
}

// "$1,234.50" from {amount: "1234.50", currency: "MXN"}, grouping the string's digits.
export function money(value) {
  if (!value) return NONE;
  const [whole, cents = "00"] = value.amount.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `$${grouped}.${cents.padEnd(2, "0")}`;
}

// "$1,234.50 MXN"
export function moneyWithCurrency(value) {
  return value ? `${money(value)} ${value.currency}` : NONE;
}

const CLP = new Intl.NumberFormat("es-CL", { style: "currency", currency: "CLP", maximumFractionDigits: 0 });

// "$592.199" from {amount: "592199", currency: "CLP"}; the amount is whole pesos.
export function clp(value) {
  if (!value) return NONE;
  return CLP.format(Number(value.amount));
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
