// DOM, list and upload helpers shared by every portal's pages.
import { api, ApiError } from "/js/api.js";

// An element with attributes ("text", "class", "on<event>", others as attributes) and children.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// The elements below `root` by their data-* attribute, named as in `dataset` (the first of
// each, as querySelector finds it): `const { orders, moreHistory } = dataParts();` holds
// [data-orders] and [data-more-history].
export function dataParts(root = document) {
  const parts = {};
  for (const node of root.querySelectorAll("*")) {
    for (const name of Object.keys(node.dataset)) {
      if (!(name in parts)) parts[name] = node;
    }
  }
  return parts;
}

// A list read page by page from `url` (which answers { items, next_cursor }) into `box`:
// load() shows the first page, the `more` button appends the next one and hides on the last;
// `empty` is said when there is nothing at all. Returns load.
export function pagedList({ box, more, url, render, empty, onPage, onError }) {
  let cursor = null;
  async function load(first = true) {
    if (first) cursor = null;
    try {
      const listing = await api.get(cursor ? `${url}&cursor=${encodeURIComponent(cursor)}` : url);
      onPage?.(listing);
      if (!cursor) box.replaceChildren();
      if (!listing.items.length && !box.childElementCount) box.append(el("p", { text: empty, class: "meta" }));
      for (const item of listing.items) box.append(render(item));
      cursor = listing.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      onError(error);
    }
  }
  more.addEventListener("click", () => load(false));
  return load;
}

// POSTs the file to its presigned slot (fields + file as multipart), reporting progress.
export function uploadToSlot(slot, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
    form.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", slot.upload.url);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(100);
        resolve();
      } else {
        reject(new ApiError(request.status, "upload_failed",
          "No pudimos subir el archivo. Inténtalo de nuevo."));
      }
    });
    request.addEventListener("error", () => reject(new ApiError(0, "network_error",
      "No pudimos subir el archivo. Revisa tu conexión e inténtalo de nuevo.")));
    request.send(form);
  });
}
