// A portal's home: what a signed-in person of this portal can do, or how to get in.
import { myProfile } from "/js/api.js";
import { el } from "/js/dom.js";
import { currentSession, dutiesOf } from "/js/session.js";

const main = document.querySelector("[data-portal]");
const role = main.dataset.portal;
const session = currentSession();
const guest = main.querySelector("[data-guest]");
const member = main.querySelector("[data-member]");

// Every portal's home opens the same way: a guest is offered to sign in (back to this portal),
// ahead of the page's own sign-up link if it has one; a member is greeted and offered the
// account, with the no-duties notice (operators) between the two.
function drawSharedEntries() {
  const portalHome = new URL(".", location.href).pathname;
  // A portal opened for an insurer (`?aseguradora=sec`) opens its log-in page for it too.
  const insurer = new URLSearchParams(location.search).get("aseguradora");
  const forInsurer = insurer ? `&aseguradora=${encodeURIComponent(insurer)}` : "";
  const signIn = el("a", { class: "button", href: `/entrar.html?siguiente=${portalHome}${forInsurer}`, text: "Iniciar sesión" });
  const guestActions = guest.querySelector(".actions") ?? guest.appendChild(el("p", { class: "actions" }));
  guestActions.prepend(signIn, " ");
  const greeting = el("p", {}, "Hola, ", el("strong", { "data-name": true }), ".");
  const accountLink = el("a", { class: "button", href: "/cuenta.html", text: "Mi cuenta" });
  const account = el("p", { class: "actions" }, accountLink);
  const noDuties = member.querySelector("[data-no-duties]");
  member.prepend(...[greeting, noDuties, account].filter(Boolean));
}
drawSharedEntries();

// An operator sees only what their duties open; the rest of the list is hidden, not dead. An
// entry of several duties (`data-duty="administracion finanzas"`) shows for any of them.
function showDuties(duties) {
  const entries = [...member.querySelectorAll("[data-duty]")];
  for (const entry of entries) {
    entry.hidden = !dutiesOf(entry).some((duty) => duties.includes(duty));
  }
  const notice = member.querySelector("[data-no-duties]");
  if (notice && entries.length) notice.hidden = entries.some((entry) => !entry.hidden);
}

async function welcome() {
  try {
    const profile = await myProfile();
    main.querySelector("[data-name]").textContent = profile.full_name;
    if (profile.role === "operador") showDuties(profile.duties || []);
  } catch {
    main.querySelector("[data-name]").textContent = "";
    // Without the profile every entry shows: each page still asks the API, which checks.
    for (const entry of member.querySelectorAll("[data-duty]")) entry.hidden = false;
  }
}

if (session && session.role === role) {
  member.hidden = false;
  welcome();
} else {
  guest.hidden = false;
}
