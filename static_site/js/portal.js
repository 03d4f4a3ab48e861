// A portal's home: what a signed-in person of this portal can do, or how to get in.
import { api } from "/js/api.js";
import { currentSession } from "/js/session.js";

const main = document.querySelector("[data-portal]");
const role = main.dataset.portal;
const session = currentSession();
const guest = main.querySelector("[data-guest]");
const member = main.querySelector("[data-member]");

// An operator sees only what their duties open; the rest of the list is hidden, not dead.
function showDuties(duties) {
  const entries = [...member.querySelectorAll("[data-duty]")];
  for (const entry of entries) entry.hidden = !duties.includes(entry.dataset.duty);
  const notice = member.querySelector("[data-no-duties]");
  if (notice && entries.length) notice.hidden = entries.some((entry) => !entry.hidden);
}

async function welcome() {
  try {
    const profile = await api.get("/v1/me");
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
