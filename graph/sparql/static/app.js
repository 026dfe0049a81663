// The query page: POST the box to /sparql and show the answer. Data is only ever set with textContent.
"use strict";

const form = document.getElementById("query-form");
const box = document.getElementById("query");
const statusLine = document.getElementById("status");
const output = document.getElementById("output");
const prefixes = Object.entries(JSON.parse(document.body.dataset.prefixes || "{}"))
  .sort((a, b) => b[1].length - a[1].length);

for (const button of document.querySelectorAll("button[data-query]")) {
  button.addEventListener("click", () => {
    box.value = button.dataset.query;
    box.focus();
    window.scrollTo(0, 0);
  });
}

box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});

// datatypes not worth a tag in the table: the value shows them
const PLAIN_TYPES = new Set(["xsd:string", "xsd:integer", "xsd:decimal", "xsd:double", "xsd:boolean"]);

function say(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", isError);
}

function shortIri(iri) {
  for (const [prefix, namespace] of prefixes) {
    if (iri.startsWith(namespace)) return prefix + ":" + iri.slice(namespace.length);
  }
  return "<" + iri + ">";
}

function termCell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.className = "iri";
    td.textContent = shortIri(term.value);
    td.title = term.value;
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else {
    td.textContent = term.value;
    const tag = term["xml:lang"] || (term.datatype ? shortIri(term.datatype) : "");
    if (tag && !PLAIN_TYPES.has(tag)) {
      const span = document.createElement("span");
      span.className = "lang";
      span.textContent = term["xml:lang"] ? "@" + tag : tag;
      td.append(span);
    }
  }
  return td;
}

function showTable(data) {
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.textContent = "?" + name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const name of vars) tr.append(termCell(row[name]));
  }
  output.append(table);
  return rows.length;
}

function showText(text) {
  const pre = document.createElement("pre");
  pre.textContent = text;
  output.append(pre);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  output.replaceChildren();
  say("Running…");
  const started = performance.now();
  let response;
  try {
    response = await fetch("sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: box.value }),
    });
  } catch (error) {
    say("Cannot reach the server: " + error, true);
    return;
  }
  const text = await response.text();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (!response.ok) {
    say(`Error ${response.status} ${response.statusText}`, true);
    showText(text);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("application/sparql-results+json")) {
    const data = JSON.parse(text);
    if ("boolean" in data) {
      showText(String(data.boolean));
      say(`ASK in ${seconds} s`);
    } else {
      const count = showTable(data);
      say(`${count} row${count === 1 ? "" : "s"} in ${seconds} s`);
    }
  } else {
    showText(text);
    say(`${type.split(";")[0]} in ${seconds} s`);
  }
});
