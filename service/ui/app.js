"use strict";
// The reward inspector. It builds one /v1/score request per profile from the form (explain: true)
// and renders what the API returns. User text only ever reaches the page as text nodes.

const HOW = {
  exact: "exact", numeric: "numeric", equation: "equation (sides swapped)", equation_chain: "equation chain",
  fuzzy: "fuzzy", substring: "lower-case substring",
};
const SECTION_NAMES = { description: "Image description", rationales: "Rationales", think: "Let's think step by step", answer: "Final answer" };

let examplesCache = null;

// ---------------------------------------------------------------- small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function fmt(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(Number(value.toFixed(4)));
}

function number(value, field) {
  return el("span", { class: "num", dataset: { field, value: value === null || value === undefined ? "" : String(value) } }, fmt(value));
}

/** The completion as the API reads it for offsets: CRLF (and a lone CR) as LF, indexed by code point. */
function codePoints(text) {
  return Array.from(text.replace(/\r\n/g, "\n").replace(/\r/g, "\n"));
}

// ---------------------------------------------------------------- form <-> request

function completionItems() {
  return Array.from(document.querySelectorAll("#completion-list > li"));
}

function renumberCompletions() {
  completionItems().forEach((item, i) => {
    const label = item.dataset.label ? ` — ${item.dataset.label}` : "";
    item.querySelector(".completion-title").textContent = `Completion ${i + 1}${label}`;
    item.querySelector(".remove").setAttribute("aria-label", `Remove completion ${i + 1}`);
  });
}

function addCompletion(text = "", label = "") {
  const item = document.getElementById("completion-template").content.firstElementChild.cloneNode(true);
  item.dataset.label = label;
  item.querySelector("textarea").value = text;
  item.querySelector(".remove").addEventListener("click", () => {
    item.remove();
    renumberCompletions();
  });
  document.getElementById("completion-list").append(item);
  renumberCompletions();
  return item;
}

function keyStepsText(keySteps) {
  if (keySteps === null || keySteps === undefined) return "";
  if (typeof keySteps === "string") return keySteps;
  const simple = Array.isArray(keySteps) && keySteps.every((g) => typeof g === "string" || (Array.isArray(g) && g.every((a) => typeof a === "string" && !a.includes("|") && !a.includes("\n"))));
  if (simple) return keySteps.map((g) => (typeof g === "string" ? [g] : g).join(" | ")).join("\n");
  return JSON.stringify(keySteps);
}

/** The key steps to send: JSON and the extractor's string go as they are (the API parses and reports them). */
function parseKeySteps(text) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (/^[[{]/.test(trimmed) || /^(image\s+description|rationales?|step\s*\d+)\s*:/i.test(trimmed)) return trimmed;
  return trimmed.split("\n").map((line) => line.split("|").map((a) => a.trim()).filter(Boolean)).filter((g) => g.length);
}

function parseChoices(text) {
  const choices = {};
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const m = /^\s*\(?([A-Za-z])\s*[:.)]\s*(.*)$/.exec(line);
    if (!m) throw new Error(`Choices, line ${i + 1}: write it as "A: value"`);
    choices[m[1].toUpperCase()] = m[2].trim();
  }
  return Object.keys(choices).length ? choices : null;
}

function readGroup() {
  const reference = { answer: document.getElementById("answer").value };
  const keySteps = parseKeySteps(document.getElementById("key-steps").value);
  if (keySteps !== null) reference.key_steps = keySteps;
  const choices = parseChoices(document.getElementById("choices").value);
  if (choices) reference.choices = choices;
  const completions = completionItems().map((item) => item.querySelector("textarea").value);
  if (!completions.length) throw new Error("Add at least one completion.");
  return { group_id: "inspector", reference, completions };
}

function readOptions() {
  const form = document.getElementById("inspector");
  const options = {
    alpha: Number(form.alpha.value),
    advantage: form.advantage.value,
    epsilon: Number(form.epsilon.value),
    unbiased_std: form.unbiased_std.checked,
    explain: true,
  };
  for (const name of ["alpha", "epsilon"]) {
    if (form[name].value.trim() === "" || !Number.isFinite(options[name])) throw new Error(`${name} must be a number`);
  }
  if (form.stuffing_guard.value) options.stuffing_guard = form.stuffing_guard.value === "true";
  return options;
}

function selectedProfiles() {
  return Array.from(document.querySelectorAll('input[name="profile"]:checked')).map((box) => box.value);
}

function fillForm(group, labels = []) {
  const reference = group.reference || {};
  document.getElementById("answer").value = reference.answer ?? "";
  document.getElementById("key-steps").value = keyStepsText(reference.key_steps);
  document.getElementById("choices").value = Object.entries(reference.choices || {}).map(([k, v]) => `${k}: ${v}`).join("\n");
  document.getElementById("completion-list").replaceChildren();
  (group.completions || []).forEach((text, i) => addCompletion(String(text), labels[i] || ""));
}

// ---------------------------------------------------------------- the API

function errorText(status, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  return typeof detail === "string" ? detail : `HTTP ${status}`;
}

/** The Authorization header for a server started with a token (typed into the page, never stored). */
function authHeaders() {
  const token = document.getElementById("token").value.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function scoreWith(profile, group, options) {
  const response = await fetch("/v1/score", {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeaders() },
    body: JSON.stringify({ profile, groups: [group], options }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${profile}: ${errorText(response.status, body)}`);
  return body;
}

// ---------------------------------------------------------------- rendering: the completion text

/** Elementary pieces of the text: each with the section it lies in and the key-step matches over it. */
function pieces(chars, sections, matches) {
  const cuts = new Set([0, chars.length]);
  let last = 0;
  const clipped = [...sections].sort((a, b) => a.start - b.start).map((s) => {
    const section = { ...s, start: Math.max(s.start, last), end: Math.min(s.end, chars.length) };
    last = Math.max(last, section.end);
    return section;
  }).filter((s) => s.end > s.start);
  for (const span of [...clipped, ...matches]) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= chars.length).sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    result.push({
      start: a,
      text: chars.slice(a, b).join(""),
      section: clipped.find((s) => s.start <= a && a < s.end) || null,
      matches: matches.filter((m) => m.start <= a && a < m.end),
    });
  }
  return result;
}

function sectionLabel(section) {
  return section.kind === "step" ? `Step ${section.number}` : SECTION_NAMES[section.kind] || section.kind;
}

/** Why a matched key step earns nothing, in plain words (the API's `reason`, see docs/rewards.md). */
function plainReason(reason) {
  if (!reason) return "";
  const enumerated = /^enumerated: (.*) has (\d+) values$/.exec(reason);
  if (enumerated) return `${enumerated[1]} is given ${enumerated[2]} different values, so none of them counts`;
  const asserted = /^not asserted: (negated|refuted) \((.*)\)$/.exec(reason);
  if (asserted) return `the step says "${asserted[2]}" about it, so it is not stated as true`;
  if (reason.startsWith("not asserted: a rejected hypothesis")) {
    return "it is only supposed, and the step then rejects the supposition";
  }
  if (reason === "not asserted: answered no") return "the next sentence rejects it (\"No.\", \"That is wrong.\")";
  const doubted = /^not asserted: doubted \((.*)\)$/.exec(reason);
  if (doubted) return `the step says "${doubted[1]}" about it, so it is only a guess, not a statement`;
  if (reason === "not asserted: asked (whether)") return "the step only asks whether it holds, and never says it does";
  if (reason.startsWith("not asserted: asked")) {
    return "the step only asks it as a question, and does not answer \"yes\" or state it";
  }
  if (reason === "not asserted: quoted, not stated") return "it is only quoted or listed in quotes, not stated";
  if (reason.startsWith("not asserted: a hypothesis never confirmed")) {
    return "it is only supposed (\"if\", \"suppose\"), and the steps never confirm it";
  }
  const contradicted = /^contradicted in step (\d+)$/.exec(reason);
  if (contradicted) return `a different value for the same quantity is given in step ${contradicted[1]}`;
  return {
    repeated: "the same key-step text is repeated, so it does not count",
    "named without use": "a method only named: in a list of methods, or with nothing worked out from it",
    "not found": "not found in the steps",
  }[reason] || reason;
}

function matchTitle(m) {
  const how = HOW[m.how] || m.how;
  const score = m.how === "fuzzy" ? ` (score ${m.score})` : "";
  const credit = m.credited ? "" : ` — not credited: ${plainReason(m.reason)}`;
  return `key step ${m.group + 1}: ${how}${score}, alternative "${m.alternative}"${credit}`;
}

function markOf(piece) {
  const [first] = piece.matches;
  return el("mark", {
    class: `how-${first.how}${piece.matches.every((m) => m.credited) ? "" : " uncredited"}`,
    title: piece.matches.map(matchTitle).join("\n"),
    dataset: { groups: piece.matches.map((m) => m.group).join(" "), hows: piece.matches.map((m) => m.how).join(" ") },
  }, piece.text);
}

function renderText(text, explanation) {
  const chars = codePoints(text);
  const matches = explanation.key_steps.filter((k) => k.start !== null && k.start !== undefined);
  const box = el("div", { class: "text", "aria-label": "Completion with sections and key-step matches" });
  let holder = box;
  let current;
  for (const piece of pieces(chars, explanation.sections, matches)) {
    if (piece.section !== current) {
      current = piece.section;
      holder = current
        ? el("div", { class: `section kind-${current.kind}`, dataset: { kind: current.kind, number: current.number ?? "" } },
          el("span", { class: "section-label", "aria-hidden": "true" }, sectionLabel(current)))
        : el("div", { class: "outside" });
      box.append(holder);
    }
    for (const m of matches.filter((k) => k.start === piece.start)) {
      holder.append(el("sup", { class: `tag how-${m.how}`, "aria-hidden": "true" }, `${m.group + 1}`));
    }
    // A section block already ends its line: the newline right after it would show as a blank line.
    const text = !current && holder.childNodes.length === 0 && box.childNodes.length > 1 ? piece.text.replace(/^\n/, "") : piece.text;
    holder.append(piece.matches.length ? markOf(piece) : text);
  }
  return box;
}

// ---------------------------------------------------------------- rendering: the explanation

function renderKeySteps(keySteps) {
  if (!keySteps.length) return el("p", { class: "muted" }, "The reference has no key steps.");
  const rows = keySteps.map((k) => el("tr", { dataset: { group: k.group, matched: k.matched, credited: k.credited } },
    el("th", { scope: "row" }, `${k.group + 1}`),
    el("td", {}, k.alternatives.join(" | ")),
    el("td", {}, k.matched
      ? [el("span", { class: `pill how-${k.how}` }, HOW[k.how] || k.how), k.how === "fuzzy" ? ` ${k.score}` : "",
        k.step !== null ? ` in step ${k.step}` : "", k.matched_text !== null ? el("div", { class: "small" }, "read as ", el("code", {}, k.matched_text)) : ""]
      : el("span", { class: "bad" }, "not matched")),
    el("td", {}, k.credited ? el("span", { class: "good" }, "credited") : k.matched
      ? [el("span", { class: "bad" }, "not credited"), el("div", { class: "small why" }, plainReason(k.reason))]
      : "—")));
  return el("table", { class: "keysteps" },
    el("caption", {}, "Key steps"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, "alternatives"),
      el("th", { scope: "col" }, "match"), el("th", { scope: "col" }, "credit"))),
    el("tbody", {}, rows));
}

function renderUnmatched(keySteps) {
  const unmatched = keySteps.filter((k) => !k.matched);
  if (!unmatched.length) return null;
  return el("div", { class: "unmatched" }, el("h4", {}, "Unmatched key steps"),
    el("ul", {}, unmatched.map((k) => el("li", { dataset: { group: k.group } }, `${k.group + 1}. ${k.alternatives.join(" | ")}`))));
}

function renderChecks(checks) {
  return el("div", { class: "validity" }, el("h4", {}, "Validity checks"),
    el("ul", { class: "checks-list" }, checks.map((c) => el("li", { class: c.passed ? "pass" : "fail", dataset: { check: c.check, passed: c.passed } },
      el("span", { class: "icon", "aria-hidden": "true" }, c.passed ? "✓" : "✗"),
      el("span", { class: "visually-hidden" }, c.passed ? "passed: " : "failed: "),
      el("code", {}, c.check), c.passed ? "" : el("span", { class: "reason" }, ` — ${c.detail}`)))));
}

function renderAnswer(answer) {
  return el("div", { class: "answer", dataset: { method: answer.method, correct: answer.correct } }, el("h4", {}, "Answer"),
    el("p", {}, "stated ", el("code", { class: "stated" }, answer.stated ?? "(none)"), " · reference ", el("code", {}, answer.reference)),
    el("p", {}, "read ", el("code", { class: "read" }, answer.rule || answer.method)),
    el("p", {}, "judged ", el("strong", { class: answer.correct ? "good" : "bad" }, answer.correct ? "correct" : "wrong"),
      " by ", el("code", { class: "method" }, answer.method), answer.detail ? ` — ${answer.detail}` : ""),
    answer.decided_by ? el("p", {}, "decided by ", el("code", { class: "decided-by" }, answer.decided_by)) : null,
    renderClaims(answer.claims || []));
}

function renderClaims(claims) {
  if (!claims.length) return null;
  return el("ul", { class: "claims", "aria-label": "Claims read" }, claims.map((c) =>
    el("li", { dataset: { stance: c.stance } }, el("code", {}, c.value), ` ${c.stance}`, c.marker ? ` (${c.marker})` : "",
      ` · ${c.where}`)));
}

function renderGuard(guard) {
  if (!guard.applied) return el("p", { class: "guard muted" }, "Gaming check: off — every matched key step counts.");
  return el("p", { class: "guard" },
    "Gaming check: on — a key step counts once however it is worded; repeated text, a quantity given several values, "
    + "statements the step negates, doubts, asks, quotes or only supposes, and methods only named do not count.");
}

function renderCard(profile, text, group, index) {
  const result = group.results[index];
  const card = el("section", { class: `card status-${result.status}`, dataset: { profile, index }, "aria-label": `${profile}, completion ${index + 1}` },
    el("header", {}, el("h3", {}, el("code", {}, profile)),
      el("p", { class: "reward" }, "reward ", number(result.reward, "reward"))));
  if (result.status !== "ok" || group.status !== "ok") {
    card.append(el("p", { class: "bad detail" }, `${result.status}: ${result.detail || group.detail || ""}`));
  }
  card.append(el("dl", { class: "components" },
    ["step_rar", "step_rvr", "answer_correct", "key_step_ratio"].map((f) => [el("dt", {}, f), el("dd", {}, number(result[f], f))]),
    el("dt", {}, "advantage"), el("dd", {}, number(group.advantages[index], "advantage"))));
  const explanation = result.explanation;
  if (explanation) {
    card.append(renderText(text, explanation), renderAnswer(explanation.answer), renderChecks(explanation.validity),
      renderKeySteps(explanation.key_steps), renderUnmatched(explanation.key_steps) || "", renderGuard(explanation.stuffing_guard));
  }
  return card;
}

function renderSummary(group, labels, responses) {
  const profiles = Object.keys(responses);
  const head = el("tr", {}, el("th", { scope: "col" }, "completion"),
    profiles.map((p) => [el("th", { scope: "col" }, el("code", {}, p), " reward"), el("th", { scope: "col" }, "advantage")]));
  const rows = group.completions.map((_, i) => {
    const rewards = profiles.map((p) => responses[p].groups[0].results[i].reward);
    const differs = new Set(rewards.map(String)).size > 1;
    return el("tr", { class: differs ? "differs" : null, dataset: { index: i } },
      el("th", { scope: "row" }, el("a", { href: `#completion-${i + 1}` }, `${i + 1}${labels[i] ? ` — ${labels[i]}` : ""}`)),
      profiles.map((p) => [el("td", { dataset: { profile: p } }, number(responses[p].groups[0].results[i].reward, "reward")),
        el("td", { dataset: { profile: p } }, number(responses[p].groups[0].advantages[i], "advantage"))]));
  });
  const stats = el("tr", { class: "stats" }, el("th", { scope: "row" }, "group mean / std"),
    profiles.map((p) => {
      const g = responses[p].groups[0];
      return el("td", { colspan: 2, dataset: { profile: p } }, number(g.reward_mean, "reward_mean"), " / ", number(g.reward_std, "reward_std"),
        g.zero_std ? el("span", { class: "muted" }, " (zero std: advantages 0)") : "");
    }));
  return el("table", { class: "summary" },
    el("caption", {}, "Group: rewards and advantages", profiles.length > 1 ? " (rows where the profiles disagree are marked)" : ""),
    el("thead", {}, head), el("tbody", {}, rows, stats));
}

function renderResults(group, labels, responses) {
  const profiles = Object.keys(responses);
  const results = document.getElementById("results");
  const versions = profiles.map((p) => `${p}: ${responses[p].version}`).join(" · ");
  results.replaceChildren(el("h2", {}, "Results"), el("p", { class: "muted versions" }, versions), renderSummary(group, labels, responses),
    el("p", { class: "legend" }, "Key-step matches: ", Object.entries(HOW).map(([how, name]) => [el("mark", { class: `how-${how}` }, name), " "]),
      el("mark", { class: "how-exact uncredited" }, "not credited")));
  group.completions.forEach((text, i) => {
    results.append(el("article", { class: "completion-result", id: `completion-${i + 1}`, dataset: { index: i } },
      el("h3", { class: "completion-heading" }, `Completion ${i + 1}${labels[i] ? ` — ${labels[i]}` : ""}`),
      el("div", { class: `profiles cols-${profiles.length}` }, profiles.map((p) => renderCard(p, text, responses[p].groups[0], i)))));
  });
}

// ---------------------------------------------------------------- actions

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = !message;
}

async function scoreForm() {
  const status = document.getElementById("status");
  showError("");
  let group, options;
  const profiles = selectedProfiles();
  try {
    if (!profiles.length) throw new Error("Pick at least one profile.");
    group = readGroup();
    options = readOptions();
  } catch (error) {
    showError(error.message);
    return;
  }
  const labels = completionItems().map((item) => item.dataset.label || "");
  status.textContent = "Scoring…";
  document.body.dataset.state = "scoring";
  try {
    const bodies = await Promise.all(profiles.map((p) => scoreWith(p, group, options)));
    const responses = Object.fromEntries(profiles.map((p, i) => [p, bodies[i]]));
    renderResults(group, labels, responses);
    status.textContent = `Scored ${group.completions.length} completion(s) with ${profiles.join(" and ")}.`;
    // the results are below the form (far below on a phone): bring them into view, and focus there
    const results = document.getElementById("results");
    results.focus({ preventScroll: true });
    results.scrollIntoView({ block: "start" });
    document.body.dataset.state = "scored";
  } catch (error) {
    showError(error.message);
    status.textContent = "";
    document.body.dataset.state = "error";
  }
}

async function loadExamples() {
  showError("");
  try {
    if (!examplesCache) {
      const response = await fetch("/ui/examples.json");
      if (!response.ok) throw new Error(`examples: HTTP ${response.status}`);
      examplesCache = await response.json();
    }
  } catch (error) {
    showError(error.message);
    return;
  }
  fillForm(examplesCache, examplesCache.labels);
  await scoreForm();
}

function loadFile(event) {
  const [file] = event.target.files;
  if (!file) return;
  file.text().then((text) => {
    const data = JSON.parse(text);
    const group = Array.isArray(data.groups) ? data.groups[0] : data;
    if (!group || typeof group.reference !== "object" || !Array.isArray(group.completions)) {
      throw new Error('expected {"reference": …, "completions": […]} or a /v1/score request');
    }
    fillForm(group, group.labels || []);
    showError("");
  }).catch((error) => showError(`${file.name}: ${error.message}`));
}

async function showVersion() {
  try {
    const response = await fetch("/v1/info", { headers: authHeaders() });
    if (!response.ok) return;
    const info = await response.json();
    document.getElementById("server-version").textContent = `Server: ${info.service} ${info.core_version}.`;
  } catch {
    /* the page works without it */
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("inspector");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    scoreForm();
  });
  document.getElementById("load-examples").addEventListener("click", loadExamples);
  document.getElementById("add-completion").addEventListener("click", () => addCompletion().querySelector("textarea").focus());
  document.getElementById("load-file").addEventListener("change", loadFile);
  document.getElementById("token").addEventListener("change", showVersion);
  addCompletion();
  showVersion();
  document.body.dataset.state = "ready";
});
