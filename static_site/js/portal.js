// A portal's home: what a signed-in person of this portal can do, or how to get in.
import { api } from "/js/api.js";
import { currentSession } from "/js/session.js";

const main = document.querySelector("[data-portal]");
const role = main.dataset.portal;
const session = currentSession();
const guest = main.querySelector("[data-guest]");
const member = main.querySelector("[data-member]");

async function welcome() {
  try {
    const profile = await api.get("/v1/me");
    main.querySelector("[data-name]").textContent = profile.full_name;
  } catch {
    main.querySelector("[data-name]").textContent = "";
  }
}

if (session && session.role === role) {
  member.hidden = false;
  welcome();
} else {
  guest.hidden = false;
}
