// Loads a self-contained HTML report in headless Chromium (through playwright-core)
// and fails when the page logs errors or warnings, throws, or asks for anything from
// the network.
//
// Usage: node check-html.mjs FILE [SCREENSHOT.png] [--json OUT.json]
//
//   FILE          the page to load (opened as file://)
//   SCREENSHOT    a full-page PNG screenshot is written there
//   --json OUT    what the browser saw is written there as JSON (title, headings, the
//                 visible text, counts, broken anchors, charts without a name);
//                 html_check.py asserts on it
//
// Chromium is /usr/bin/chromium or $TESTAT_CHROMIUM; playwright-core is looked up in
// $TESTAT_VALIDATOR_NODE_MODULES or else in node_modules beside this script.
//
// Exit status: 0 accepted (one summary line on stdout), 1 rejected (why, on stderr),
// 2 wrong usage, 3 Chromium or playwright-core missing.

import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  console.error(`${message}\nusage: node check-html.mjs FILE [SCREENSHOT.png] [--json OUT.json]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let jsonOut = null;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--json") {
    jsonOut = args[++i];
    if (!jsonOut) usage("--json needs a file");
  } else {
    positional.push(args[i]);
  }
}
if (positional.length < 1 || positional.length > 2) usage("expected FILE and an optional SCREENSHOT");
const file = resolve(positional[0]);
const screenshot = positional[1] ? resolve(positional[1]) : null;
if (!existsSync(file)) usage(`${file} does not exist`);

const executablePath = process.env.TESTAT_CHROMIUM || "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`Chromium is not installed (${executablePath} does not exist); install it or set TESTAT_CHROMIUM`);
  process.exit(3);
}
const nodeModules = process.env.TESTAT_VALIDATOR_NODE_MODULES || join(here, "node_modules");
let chromium;
try {
  const require = createRequire(import.meta.url);
  ({ chromium } = require(join(nodeModules, "playwright-core")));
} catch (error) {
  console.error(
    `playwright-core is not installed in ${nodeModules} (${error.message.split("\n")[0]}); ` +
      "run `npm ci --prefix validators` or set TESTAT_VALIDATOR_NODE_MODULES",
  );
  process.exit(3);
}

const fileUrl = pathToFileURL(file).href;
const problems = [];
let browser;
try {
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
} catch (error) {
  console.error(`cannot start Chromium (${executablePath}): ${error.message}`);
  process.exit(3);
}

let seen;
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: true });
  // Nothing may leave the file: every other request is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === fileUrl || url.startsWith("data:")) return route.continue();
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    const type = message.type();
    if (type === "error" || type === "warning") {
      const where = message.location();
      const at = where && where.url ? ` (${where.url}:${where.lineNumber})` : "";
      problems.push(`console ${type}: ${message.text()}${at}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (url !== fileUrl && !url.startsWith("data:")) problems.push(`network request: ${request.method()} ${url}`);
  });
  page.on("crash", () => problems.push("the page crashed"));

  const response = await page.goto(fileUrl, { waitUntil: "load", timeout: 60_000 });
  if (response && !response.ok()) problems.push(`loading the file failed: ${response.status()}`);
  // Let late work (fonts, lazy images, timers) surface its requests and errors.
  await page.waitForTimeout(300);

  seen = await page.evaluate(() => {
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const ids = new Map();
    for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
    const brokenAnchors = [];
    for (const a of document.querySelectorAll('a[href^="#"]')) {
      const id = decodeURIComponent(a.getAttribute("href").slice(1));
      if (id && !document.getElementById(id)) brokenAnchors.push(id);
    }
    const unnamedCharts = [];
    for (const svg of document.querySelectorAll("svg")) {
      const labelled = (svg.getAttribute("aria-labelledby") || "")
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id))
        .filter((el) => el && el.textContent.trim());
      const named = svg.getAttribute("aria-label") || labelled.length > 0;
      if (svg.getAttribute("aria-hidden") !== "true" && (svg.getAttribute("role") !== "img" || !named)) {
        unnamedCharts.push(svg.id || svg.outerHTML.slice(0, 80));
      }
    }
    const criteria = [...document.querySelectorAll("section.criterion")];
    return {
      url: location.href,
      title: document.title,
      lang: document.documentElement.lang,
      report: document.body.dataset.report || null,
      declaredCriteria: document.body.dataset.criteria ? Number(document.body.dataset.criteria) : null,
      declaredDuties: document.body.dataset.duties ? Number(document.body.dataset.duties) : null,
      h1: [...document.querySelectorAll("h1")].map((h) => ({ text: h.innerText.trim(), visible: visible(h) })),
      h2: [...document.querySelectorAll("h2")].map((h) => h.innerText.trim()),
      criteria: criteria.length,
      criteriaWithoutStatusText: criteria
        .filter((c) => !(c.querySelector(".badge") && c.querySelector(".badge").innerText.trim()))
        .map((c) => c.id),
      duties: document.querySelectorAll("li.duty").length,
      svgs: document.querySelectorAll("svg").length,
      unnamedCharts,
      tables: document.querySelectorAll("table").length,
      scripts: document.querySelectorAll("script").length,
      duplicateIds: [...ids].filter(([, n]) => n > 1).map(([id]) => id),
      brokenAnchors,
      text: document.body.innerText,
      pageHeight: document.documentElement.scrollHeight,
    };
  });
  seen.textLength = seen.text.length;

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  // The print layout must load as cleanly as the screen layout.
  await page.emulateMedia({ media: "print" });
  await page.waitForTimeout(100);
} catch (error) {
  problems.push(`the browser failed: ${error.message}`);
} finally {
  await browser.close();
}

if (jsonOut && seen) writeFileSync(jsonOut, JSON.stringify({ ...seen, problems }, null, 2));
if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s) in headless Chromium:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `Chromium loaded "${seen.title}": ${seen.criteria} criteria sections, ${seen.duties} duties, ` +
    `${seen.svgs} SVG charts, ${seen.tables} tables, visible text ${seen.textLength} characters, ` +
    `no console errors or warnings, no network requests` +
    (screenshot ? `; screenshot ${screenshot}` : ""),
);
