// The rota board's drag and drop, on top of a page that works without it: every drag has the same
// outcome as the visit's "Assign" page (its keyboard and no-JavaScript path). A drop calls the REST
// API, which checks the rules on the server; the board is then redrawn from the server, and the
// refusal or the warnings are read out in the feedback region.

const API = "/api/v1/rota/assignments/";
let dragged = null;

function board() {
  return document.getElementById("rota-board");
}

function say(text, isError) {
  const el = document.getElementById("rota-feedback");
  if (!el) return;
  el.textContent = text;
  el.classList.toggle("rota-feedback--error", Boolean(isError));
  el.setAttribute("role", isError ? "alert" : "status");
}

async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": board().dataset.csrf,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  return { ok: response.ok, data };
}

function problems(data) {
  const errors = (data && data.errors) || [{ message: "Something went wrong: nothing was changed." }];
  return errors.map((e) => e.message).join(" ");
}

async function redraw() {
  const url = new URL(window.location.href);
  url.searchParams.set("fragment", "1");
  const response = await fetch(url, { credentials: "same-origin" });
  // Parsed as a separate document (nothing in it runs), then the board is swapped for the new one.
  const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = parsed.getElementById("rota-board");
  if (fresh) {
    board().replaceWith(document.adoptNode(fresh));
    bind();
  }
}

async function dropOnWorker(worker, name, item) {
  if (item.from === worker) return;
  const body = { visit: item.visit, worker };
  if (item.assignment && item.from) body.replacing = Number(item.assignment);
  const { ok, data } = await call("POST", API, body);
  if (!ok) {
    say(`Not planned: ${problems(data)}`, true);
    return;
  }
  const warnings = (data.warnings || []).filter((w) => w.kind === "warning").map((w) => w.message);
  const notes = (data.warnings || []).filter((w) => w.kind === "info").map((w) => w.message);
  let text = `${item.label} planned for ${name}${item.fromName ? ` (instead of ${item.fromName})` : ""}.`;
  if (warnings.length) text += ` Warnings: ${warnings.join(" ")}`;
  if (notes.length) text += ` Note: ${notes.join(" ")}`;
  await redraw();
  say(text, false);
}

async function dropOnUnassigned(item) {
  if (!item.assignment || !item.from) return;
  const { ok, data } = await call("DELETE", `${API}${item.assignment}/`);
  if (!ok) {
    say(`Not changed: ${problems(data)}`, true);
    return;
  }
  await redraw();
  say(`${item.fromName} taken off the ${item.label} visit.`, false);
}

function dropZone(el, highlight, onDrop) {
  el.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    el.classList.add(highlight);
  });
  el.addEventListener("dragleave", (event) => {
    if (!el.contains(event.relatedTarget)) el.classList.remove(highlight);
  });
  el.addEventListener("drop", (event) => {
    event.preventDefault();
    event.stopPropagation();
    el.classList.remove(highlight);
    const item = dragged;
    dragged = null;
    if (item) onDrop(item);
  });
}

function bind() {
  const root = board();
  if (!root || root.dataset.canEdit !== "1") return;
  root.querySelectorAll("[data-visit][draggable='true']").forEach((el) => {
    el.addEventListener("dragstart", (event) => {
      dragged = {
        visit: el.dataset.visit,
        label: el.dataset.label || el.dataset.visit,
        assignment: el.dataset.assignment || null,
        from: el.dataset.from || null,
        fromName: el.dataset.fromName || null,
      };
      event.dataTransfer.setData("text/plain", el.dataset.visit);
      event.dataTransfer.effectAllowed = "move";
      el.classList.add("rota-visit--dragging");
    });
    el.addEventListener("dragend", () => {
      el.classList.remove("rota-visit--dragging");
    });
  });
  root.querySelectorAll(".rota-row[data-worker]").forEach((row) => {
    dropZone(row, "rota-row--drop", (item) => dropOnWorker(row.dataset.worker, row.dataset.name, item));
  });
  const list = root.querySelector("[data-unassigned]");
  if (list) dropZone(list, "rota-unassigned--drop", dropOnUnassigned);
}

bind();
