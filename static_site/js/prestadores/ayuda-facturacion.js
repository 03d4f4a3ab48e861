// The invoicing guide ends with the contact channels of the insurer the page is opened for
// (`?aseguradora=`) or of the signed-in person's insurer; nothing when there is none.
import { insurerOfPage, showInsurerContact } from "/js/insurer-contact.js";

insurerOfPage().then((id) => showInsurerContact(document.querySelector("[data-insurer-contact]"), id));
