// Drives the team server's web UI in headless Chromium (through playwright-core), as
// people use it: an admin signs in, uploads evidence for a criterion and sees its
// status change, advances a request in the register, publishes the trust page; an
// outsider requests a gated document; the admin approves it; the outsider downloads it
// through the link, and the link is refused by a server whose clock is past its expiry.
// Strings planted by the test (a resource address and an evidence file name with
// markup) must stay text: no dialog, no script, no element made from them.
//
// Usage: node server-ui.mjs BASE LATER_BASE EVIDENCE_FILE DOCUMENT_FILE
//
//   BASE           the server, e.g. http://127.0.0.1:40123
//   LATER_BASE     a second server on the same store whose clock is 2 days later
//   EVIDENCE_FILE  a file to upload as evidence (its name carries markup)
//   DOCUMENT_FILE  a file to offer as a gated document
//
// The admin is `ada`, password in $TESTAT_UI_PASSWORD. Chromium is /usr/bin/chromium or
// $TESTAT_CHROMIUM; playwright-core is looked up in $TESTAT_VALIDATOR_NODE_MODULES or
// else in node_modules beside this script.
//
// Exit status: 0 every step passed (one line per step on stdout), 1 a step failed (why,
// on stderr), 2 wrong usage, 3 Chromium or playwright-core missing.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [base, laterBase, evidenceFile, documentFile] = process.argv.slice(2);
if (!documentFile) {
  console.error("usage: node server-ui.mjs BASE LATER_BASE EVIDENCE_FILE DOCUMENT_FILE");
  process.exit(2);
}
const password = process.env.TESTAT_UI_PASSWORD;
if (!password) {
  console.error("TESTAT_UI_PASSWORD is not set");
  process.exit(2);
}
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

class Failed extends Error {}
function check(condition, message) {
  if (!condition) throw new Failed(message);
}
function step(text) {
  console.log(`ok: ${text}`);
}

const alerts = [];
const problems = [];
/** Watches a page: alert dialogs (an XSS payload's) fail the run; the UI's own
 * confirmation questions are accepted; script errors and refused requests are noted. */
function watch(page, who) {
  page.on("dialog", async (dialog) => {
    if (dialog.type() === "confirm") {
      await dialog.accept();
    } else {
      alerts.push(`${who}: ${dialog.type()} "${dialog.message()}" on ${page.url()}`);
      await dialog.dismiss();
    }
  });
  page.on("pageerror", (error) => problems.push(`${who}: script error ${error.message}`));
  return page;
}

/** The planted markup stayed text on this page: no element was made from it. */
async function inert(page, where) {
  const made = await page.evaluate(
    () =>
      document.querySelectorAll('img[src="x"], [onerror], script:not([src])').length +
      (window.__pwned ? 1000 : 0),
  );
  check(made === 0, `${where}: planted markup became ${made} element(s) or ran`);
  const text = await page.evaluate(() => document.body.innerText);
  check(text.includes("onerror=window.__pwned"), `${where}: the planted text is not shown as text`);
}

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const admin = watch(await (await browser.newContext()).newPage(), "admin");
  admin.setDefaultTimeout(15000);

  // Sign in.
  await admin.goto(`${base}/criteria/OPS-08`);
  check(admin.url().includes("/login?next="), `not sent to sign in: ${admin.url()}`);
  await admin.fill("input[name=name]", "ada");
  await admin.fill("input[name=password]", password);
  await Promise.all([admin.waitForURL(/\/criteria\/OPS-08/), admin.click("button[type=submit]")]);
  step("signed in and came back to /criteria/OPS-08");

  // Evidence: the criterion's status changes.
  const statusOf = () =>
    admin.locator('[data-testid="criterion-status"]').innerText();
  const before = await statusOf();
  await admin.setInputFiles('[data-testid="evidence-form"] input[name=file]', evidenceFile);
  await admin.fill('[data-testid="evidence-form"] textarea[name=note]', "restore test passed");
  await Promise.all([admin.waitForURL(/done=evidence/), admin.click('[data-testid="evidence-submit"]')]);
  const after = await statusOf();
  check(before !== after, `the status stayed "${before}" after the upload`);
  await inert(admin, "criterion page with the evidence");
  step(`evidence uploaded; OPS-08 went from "${before.trim()}" to "${after.trim()}"`);

  // A failing resource whose address carries markup.
  await admin.goto(`${base}/criteria/CRY-03`);
  await inert(admin, "criterion page with the failing address");
  await admin.goto(`${base}/runs/2`);
  await inert(admin, "run page");
  step("planted address and file name are text on the criterion and run pages");

  // The register: advance the request by the first step the state machine allows.
  await admin.goto(`${base}/inquiries/1`);
  const stateOf = () => admin.locator('[data-testid="inquiry-state"]').getAttribute("data-state");
  const from = await stateOf();
  const next = admin.locator('[data-testid="next-states"] button:not([disabled])').first();
  const to = await next.getAttribute("data-next");
  await Promise.all([admin.waitForLoadState("load"), next.click()]);
  await admin.waitForSelector(`[data-testid="inquiry-state"][data-state="${to}"]`);
  step(`request 1 advanced from ${from} to ${await stateOf()}`);

  // The trust page: a gated document, the NDA, publish.
  await admin.goto(`${base}/admin/trust`);
  await admin.fill("#d-title", "C5 report 2026");
  await admin.selectOption("#d-gated", "true");
  await admin.setInputFiles("#d-file", documentFile);
  await Promise.all([admin.waitForURL(/done=document/), admin.click('[data-testid="document-submit"]')]);
  await admin.fill("#n-text", "Keep the report to yourself.");
  await Promise.all([admin.waitForURL(/done=nda/), admin.click('[data-testid="nda-submit"]')]);
  await Promise.all([admin.waitForURL(/done=published/), admin.click('[data-testid="publish-submit"]')]);
  check((await admin.locator('[data-testid="snapshot"]').innerText()).includes("Snapshot"), "no snapshot shown");
  step("document added, NDA set, trust page published from /admin/trust");

  // An outsider asks for the gated document.
  const outsiderContext = await browser.newContext();
  const outsider = watch(await outsiderContext.newPage(), "outsider");
  outsider.setDefaultTimeout(15000);
  await outsider.goto(`${base}/trust`);
  check((await outsider.content()).includes("C5 report 2026"), "the document is not on /trust");
  await outsider.locator("details.request summary").first().click();
  const form = outsider.locator("details.request form").first();
  await form.locator("input[name=name]").fill("Erika Mustermann");
  await form.locator("input[name=email]").fill("erika@example.com");
  await form.locator("input[name=company]").fill("Kunde AG");
  await form.locator("input[name=accept]").check();
  await Promise.all([outsider.waitForLoadState("load"), form.locator("button[type=submit]").click()]);
  await outsider.waitForFunction(() => document.body.innerText.includes("administrator"));
  step("outsider requested the gated document with the NDA accepted");

  // The admin approves it for one day; the link is shown once.
  await admin.goto(`${base}/admin/trust#requests`);
  const approve = admin.locator('form[data-testid^="approve-"]').first();
  await approve.locator("input[name=days]").fill("1");
  await Promise.all([admin.waitForLoadState("load"), approve.locator("button[type=submit]").click()]);
  const link = (await admin.locator('[data-testid="download-link"]').innerText()).trim();
  check(link.startsWith("/trust/download/"), `no link shown: ${link}`);
  step("admin approved the request for 1 day");

  // Download through the link; two days later it is refused.
  const got = await outsiderContext.request.get(`${base}${link}`);
  check(got.status() === 200, `download answered ${got.status()}`);
  const expected = readFileSync(documentFile);
  check(Buffer.compare(await got.body(), expected) === 0, "downloaded bytes differ from the document");
  const late = await outsiderContext.request.get(`${laterBase}${link}`);
  check(late.status() === 410, `after expiry the link answered ${late.status()}`);
  step("outsider downloaded the document; after expiry the link answers 410");

  await outsider.goto(`${base}/trust`);
  await admin.goto(`${base}/admin/trust`);
  check(alerts.length === 0, `dialogs opened: ${alerts.join("; ")}`);
  check(problems.length === 0, `script errors: ${problems.join("; ")}`);
  step("no dialog and no script error on any page");
} catch (error) {
  console.error(error instanceof Failed ? error.message : error.stack || String(error));
  process.exitCode = 1;
} finally {
  await browser.close();
}
