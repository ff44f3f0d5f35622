// The web page in a real Chromium, as a person uses it: log in, see and end sessions, create,
// use and revoke a personal token, manage a resource's tokens, administer users; the refusals
// (wrong password, ended session, missing form token) show the right message. Every page
// visited is photographed at desktop size and at 360 px, checked with axe-core (no serious or
// critical violation) and checked for horizontal overflow at 360 px.
//
//   node browser_check.mjs --url http://127.0.0.1:PORT --out DIR [--https]
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(join(process.env.WEB_CHECK_MODULES, "x.js"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return acc;
  }, []),
);
const base = args.url;
const out = args.out;
const https = args.https === true;
const run = https ? "https" : "http";
mkdirSync(out, { recursive: true });

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
let shots = 0;
let checks = 0;
const failures = [];

function check(ok, what) {
  checks += 1;
  if (!ok) {
    failures.push(what);
    console.error(`web: FAILED: ${what}`);
  }
}

// Photographs, audits and measures the page as it is now.
async function visit(page, name) {
  shots += 1;
  const stem = join(out, `${run}-${String(shots).padStart(2, "0")}-${name}`);
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${stem}-desktop.png`, fullPage: true });
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) {
    console.error(`web: ${name}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  }
  check(bad.length === 0, `${name}: no serious or critical accessibility violation`);
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name}: nothing overflows at 360 px (by ${overflow} px)`);
  await page.screenshot({ path: `${stem}-360.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
}

async function login(page, username, password) {
  await page.goto(`${base}/ui/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

async function api(path, token, body) {
  const answer = await fetch(`${base}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  return { status: answer.status, body: await answer.json().catch(() => ({})) };
}

if (https) {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const context = () =>
  browser.newContext({ viewport: DESKTOP, ignoreHTTPSErrors: https, userAgent: `tessera-web-check Chrome/${browser.version()} Linux` });

try {
  const a = await context();
  const page = await a.newPage();
  page.on("dialog", (d) => d.accept());
  const cspErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });

  // A wrong password says so next to the form, and keeps the username.
  await login(page, "admin", "not-the-password");
  check((await page.getByRole("alert").textContent()).includes("Wrong username or password"), "a wrong password is said");
  check((await page.getByLabel("Username").inputValue()) === "admin", "the username is kept");
  await visit(page, "login-refused");
  await login(page, "admin", "admin");
  check(page.url().endsWith("/ui/account"), `logged in lands on the account page (${page.url()})`);
  await visit(page, "account");

  const cookies = await a.cookies();
  for (const c of cookies) {
    check(c.httpOnly && c.sameSite === "Strict", `cookie ${c.name} is HttpOnly and SameSite=Strict`);
    if (https) check(c.secure && c.name.startsWith("__Host-"), `cookie ${c.name} is Secure and __Host-`);
  }
  check(await page.evaluate(() => document.cookie === ""), "no cookie is readable by script");

  if (!https) {
    // Sessions: a second browser logs in; the first ends that session; the second is sent to login.
    const b = await context();
    const other = await b.newPage();
    await login(other, "admin", "admin");
    await page.goto(`${base}/ui/sessions`);
    check((await page.locator("text=this session").count()) === 1, "the current session is marked");
    await visit(page, "sessions");
    const rows = page.locator("tbody tr");
    check((await rows.count()) >= 2, "both sessions are listed");
    await rows.filter({ hasNot: page.locator("text=this session") }).first().getByRole("button").click();
    check((await page.getByRole("status").textContent()).includes("The session was ended."), "the session was ended");
    await other.goto(`${base}/ui/tokens`);
    check(other.url().includes("/ui/login"), "the ended session is sent to login");
    check((await other.getByRole("alert").textContent()).includes("Your session has ended"), "and told why");
    await visit(other, "session-ended");
    await b.close();

    // A personal token: created, read once, used, its last use seen, revoked.
    await page.goto(`${base}/ui/tokens`);
    await visit(page, "tokens");
    await page.getByLabel("Description", { exact: true }).fill("browser check");
    await page.getByLabel("Dataset patterns").fill("*");
    await page.getByLabel("Expires after").selectOption("7");
    await page.getByRole("button", { name: "Create token" }).click();
    check((await page.textContent("body")).includes("you will not see it again"), "the secret is shown once, with a warning");
    check(await page.getByRole("button", { name: "Copy token" }).isVisible(), "the copy button shows with JavaScript on");
    const secret = (await page.locator("#new-token").textContent()).trim();
    await visit(page, "token-created");
    check((await api("/auth/token/validation", secret)).status === 200, "the new token validates");
    let lastUsed = false;
    for (let i = 0; i < 40 && !lastUsed; i += 1) {
      await page.goto(`${base}/ui/tokens`);
      lastUsed = (await page.textContent("tbody")).includes("from 127.0.0.1");
      if (!lastUsed) await page.waitForTimeout(250);
    }
    check(lastUsed, "the token's last use is shown");
    await page.getByRole("button", { name: "Revoke token browser check" }).click();
    check((await api("/auth/token/validation", secret)).status === 401, "the revoked token is refused");

    // A resource's token page, as the QGIS plugin site's.
    const admin = await api("/auth/login", null, { username: "admin", password: "admin" });
    const created = await api("/resources", admin.body.access_token, { name: "qgis-plugin", maintainers: ["admin"] });
    check(created.status === 201, `the resource is created (${created.status})`);
    await page.goto(`${base}/ui/resources`);
    await visit(page, "resources");
    await page.getByRole("link", { name: "qgis-plugin" }).click();
    await page.getByLabel("Description", { exact: true }).fill("plugin upload");
    await page.getByRole("button", { name: "Generate token" }).click();
    check((await page.locator("#new-token").count()) === 1, "the resource token is shown once");
    await visit(page, "resource");
    await page.getByRole("link", { name: "plugin upload" }).click();
    await visit(page, "resource-token");
    await page.getByLabel("Description", { exact: true }).fill("plugin upload (CI)");
    await page.getByRole("button", { name: "Save description" }).click();
    check((await page.textContent("dl")).includes("plugin upload (CI)"), "the token is renamed");
    await page.getByRole("button", { name: "Delete token" }).click();
    check((await page.textContent("body")).includes("This resource has no live token."), "the token is deleted");

    // Admin: create a user, make them a contributor, disable them: their session ends.
    await page.goto(`${base}/ui/admin/users`);
    await page.getByLabel("Username", { exact: true }).fill("carol");
    await page.getByLabel("Full name").fill("Carol Check");
    await page.getByLabel("Password", { exact: true }).fill("a long passphrase 44");
    await page.getByRole("button", { name: "Create user" }).click();
    check((await page.textContent("tbody")).includes("carol"), "the user is created");
    await page.getByLabel("Role of carol").selectOption("contributor");
    await page.locator("form[action='/ui/admin/users/carol/role']").getByRole("button").click();
    check((await page.getByLabel("Role of carol").inputValue()) === "contributor", "carol is a contributor");
    const c = await context();
    const carol = await c.newPage();
    await login(carol, "carol", "a long passphrase 44");
    check(carol.url().endsWith("/ui/account"), "carol logs in");
    await page.getByRole("button", { name: "Disable carol" }).click();
    await visit(page, "admin-users");
    await carol.goto(`${base}/ui/sessions`);
    check(carol.url().includes("/ui/login"), "disabled, carol's browser is sent to login");
    await c.close();
    await page.goto(`${base}/ui/admin/audit?event=user_disabled`);
    check((await page.textContent("tbody")).includes("user_disabled"), "the audit trail shows it");
    await visit(page, "admin-audit");

    // A form without its token is refused and says so.
    await page.goto(`${base}/ui/account`);
    await page.evaluate(() => document.querySelectorAll("input[name=csrf]").forEach((i) => i.remove()));
    await page.getByLabel("Full name").fill("Mallory");
    await page.getByRole("button", { name: "Save profile" }).click();
    check((await page.textContent("h1")).includes("Form refused"), "a form without its token is refused");
    await visit(page, "form-refused");
  }

  await page.goto(`${base}/ui/account`);
  await page.getByRole("button", { name: /^Log out/ }).click();
  check(page.url().includes("/ui/login"), "logged out");
  check(cspErrors.length === 0, `no Content-Security-Policy violation (${cspErrors.join("; ")})`);
  await a.close();
} finally {
  await browser.close();
}

console.log(`web: ${run}: ${shots} pages photographed, audited and measured`);
console.log(`browser: ${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
