"""The web page in a real Chromium, driven through WebDriver (chromedriver) as a person uses it.

Log in (sent to login from a page, and back to it after), see and end sessions, create, use and
revoke a personal token, manage a resource's tokens as its maintainer, administer users; the
refusals (wrong password, ended session, expired session, missing form token, bad form input)
show the right message and keep what was typed, never a password. Every page visited is
photographed at desktop size and at 360 px, checked with axe-core (no serious or critical
violation) and checked for horizontal overflow at 360 px.

    python browser_check.py --url URL --out DIR [--https] [--expiry-url URL] --axe AXE_MIN_JS

--expiry-url: a second server whose sessions last 3 seconds (the expired-session scenario).
"""

import argparse
import json
import os
import shutil
import ssl
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.command import Command
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

DESKTOP = (1280, 800)
PHONE = (360, 740)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ["violations"] }).then(
  (r) => done(r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ")),
  }))),
  (e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]),
);
"""


class Check:
    """Counts what was checked and what failed; a failure does not stop the run."""

    def __init__(self):
        self.checks = 0
        self.failures = []

    def __call__(self, ok, what):
        self.checks += 1
        if not ok:
            self.failures.append(what)
            print(f"web: FAILED: {what}", file=sys.stderr, flush=True)
        return ok


check = Check()


class Browser:
    """One WebDriver session: a browser with its own cookies (a person's browser)."""

    def __init__(self, suite, label):
        self.suite = suite
        self.label = label
        self.profile = tempfile.mkdtemp(prefix="tessera-chromium-", dir=suite.work)
        options = webdriver.ChromeOptions()
        options.binary_location = suite.chromium
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
        options.accept_insecure_certs = suite.https
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Confirmations are answered by the check itself (see confirm()).
        options.unhandled_prompt_behavior = "ignore"
        self.driver = webdriver.Remote(command_executor=suite.service.service_url, options=options)
        self.driver.set_page_load_timeout(30)
        self.csp_errors = []

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- reading the page ---------------------------------------------------------------
    @property
    def url(self):
        return self.driver.current_url

    def go(self, path):
        self.driver.get(self.suite.base + path)
        self.collect_console()

    def text(self, css):
        """The text of the first element matching css, hidden parts included ('' if none)."""
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].get_attribute("textContent") if found else ""

    def count(self, css):
        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    def field(self, label):
        """The form control whose <label> reads exactly `label`."""
        tag = self.driver.find_element(By.XPATH, f"//label[normalize-space()={xpath_text(label)}]")
        return self.driver.find_element(By.ID, tag.get_attribute("for"))

    def value(self, label):
        return self.field(label).get_attribute("value")

    def button(self, name, within=None):
        """The button named `name`: its aria-label, else its text."""
        root = within or self.driver
        q = xpath_text(name)
        return root.find_element(
            By.XPATH,
            f".//button[@aria-label={q} or (not(@aria-label) and normalize-space()={q})]",
        )

    # --- acting on it --------------------------------------------------------------------
    def fill(self, label, value):
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def choose(self, label, value):
        Select(self.field(label)).select_by_value(value)

    def submit(self, button, confirm=False):
        """Clicks a form's button and waits for the next page (answering its confirmation)."""
        self.driver.execute_script("window.tesseraLeft = true")
        button.click()
        if confirm:
            WebDriverWait(self.driver, 10).until(EC.alert_is_present()).accept()

        def next_page(d):
            # A new document has none of the old one's globals; mid-navigation, asking may fail.
            try:
                return d.execute_script(
                    "return !window.tesseraLeft && document.readyState === 'complete'"
                )
            except WebDriverException:
                return False

        WebDriverWait(self.driver, 30).until(next_page)
        self.collect_console()

    def login(self, username, password):
        if "/ui/login" not in self.url:
            self.go("/ui/login")
        self.fill("Username", username)
        self.fill("Password", password)
        self.submit(self.button("Log in"))

    def collect_console(self):
        for entry in self.driver.execute(Command.GET_LOG, {"type": "browser"})["value"]:
            if "Content Security Policy" in entry.get("message", ""):
                self.csp_errors.append(entry["message"])

    # --- photographing, auditing and measuring -----------------------------------------
    def resize(self, size):
        self.driver.set_window_size(*size)
        WebDriverWait(self.driver, 10).until(
            lambda d: d.execute_script("return window.innerWidth") == size[0]
        )

    def photograph(self, path, size):
        """The whole page at this width: the window is made as tall as the page."""
        self.resize(size)
        inner, height = self.driver.execute_script(
            "return [window.innerHeight, document.documentElement.scrollHeight]"
        )
        if height > inner:
            # The window is taller than its viewport by the browser's own frame.
            self.driver.set_window_size(size[0], size[1] - inner + height)
            WebDriverWait(self.driver, 10).until(
                lambda d: d.execute_script("return window.innerHeight") >= height
            )
        self.driver.save_screenshot(path)
        self.resize(size)

    def visit(self, name):
        """Photographs, audits and measures the page as it is now."""
        self.suite.shots += 1
        stem = os.path.join(self.suite.out, f"{self.suite.run}-{self.suite.shots:02d}-{name}")
        self.photograph(f"{stem}-desktop.png", DESKTOP)
        self.driver.execute_script(self.suite.axe)
        violations = self.driver.execute_async_script(AXE_RUN)
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        for v in bad:
            print(
                f"web: {name}: axe {v['impact']} {v['id']}: {v['help']} ({', '.join(v['nodes'])})",
                file=sys.stderr,
            )
        check(not bad, f"{name}: no serious or critical accessibility violation")
        self.resize(PHONE)
        overflow = self.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        check(overflow <= 0, f"{name}: nothing overflows at 360 px (by {overflow} px)")
        self.photograph(f"{stem}-360.png", PHONE)
        self.resize(DESKTOP)
        self.collect_console()


def xpath_text(s):
    """s as an XPath string literal."""
    if "'" not in s:
        return f"'{s}'"
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in s.split("'")) + ")"


class Suite:
    def __init__(self, args):
        self.base = args.url.rstrip("/")
        self.expiry_base = (args.expiry_url or "").rstrip("/")
        self.out = args.out
        self.https = args.https
        self.run = "https" if args.https else "http"
        self.chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        with open(args.axe, encoding="utf-8") as f:
            self.axe = f.read()
        self.work = tempfile.mkdtemp(prefix="tessera-web-check-")
        self.shots = 0
        os.makedirs(self.out, exist_ok=True)
        # One chromedriver for the whole run; each Browser is a session of it.
        self.service = Service(
            executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
        )
        self.service.start()
        self.browsers = []

    def browser(self, label):
        b = Browser(self, label)
        self.browsers.append(b)
        return b

    def close(self):
        for b in self.browsers:
            check(
                not b.csp_errors,
                f"{b.label}: no Content-Security-Policy violation ({b.csp_errors})",
            )
            try:
                b.quit()
            except Exception as e:  # a browser already gone must not hide the results
                print(f"web: {b.label}: {e}", file=sys.stderr)
        self.service.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def api(self, path, token=None, body=None, base=None):
        """POST to the JSON API: (status, body)."""
        request = urllib.request.Request(
            f"{base or self.base}/api/v1{path}",
            data=json.dumps(body or {}).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        if token:
            request.add_header("authorization", f"Bearer {token}")
        context = ssl._create_unverified_context() if self.https else None
        try:
            with urllib.request.urlopen(request, context=context, timeout=30) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, {}


def wait_until(what, condition, seconds=15, every=0.25):
    """Polls condition until it holds; False when it never did within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            print(f"web: gave up waiting for {what}", file=sys.stderr)
            return False
        time.sleep(every)


def login_and_account(s, page):
    """A wrong password, then the right one, from a page that needed a session."""
    page.go("/ui/sessions")
    check("/ui/login?next=/ui/sessions" in page.url, f"no session: sent to login ({page.url})")
    page.login("admin", "not-the-password")
    check("Wrong username or password" in page.text("[role=alert]"), "a wrong password is said")
    check(page.value("Username") == "admin", "the username is kept")
    check(page.value("Password") == "", "the password is not sent back")
    page.visit("login-refused")
    page.login("admin", "admin")
    check(page.url.endswith("/ui/sessions"), f"logged in, back to the page asked for ({page.url})")
    page.go("/ui/account")
    page.visit("account")
    cookies = page.driver.get_cookies()
    check(len(cookies) >= 2, f"the session's cookies are set ({[c['name'] for c in cookies]})")
    for c in cookies:
        check(
            c.get("httpOnly") and c.get("sameSite") == "Strict",
            f"cookie {c['name']} is HttpOnly and SameSite=Strict",
        )
        if s.https:
            check(
                c.get("secure") and c["name"].startswith("__Host-"),
                f"cookie {c['name']} is Secure and __Host-",
            )
    check(
        page.driver.execute_script("return document.cookie") == "",
        "no cookie is readable by script",
    )


def sessions(s, page):
    """A second browser logs in; the first ends that session; the second is sent to login."""
    other = s.browser("second browser")
    other.login("admin", "admin")
    check(other.url.endswith("/ui/account"), f"the second browser is logged in ({other.url})")
    page.go("/ui/sessions")
    check(page.text("body").count("this session") == 1, "the current session is marked")
    rows = page.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    check(len(rows) >= 2, f"both sessions are listed ({len(rows)})")
    page.visit("sessions")
    rows = page.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    others = [r for r in rows if "this session" not in r.get_attribute("textContent")]
    page.submit(others[0].find_element(By.TAG_NAME, "button"), confirm=True)
    check("The session was ended." in page.text("[role=status]"), "the session was ended")
    other.go("/ui/tokens")
    check("/ui/login" in other.url, f"the ended session is sent to login ({other.url})")
    check("Your session has ended" in other.text("[role=alert]"), "and told why")
    other.visit("session-ended")


def personal_token(s, page):
    """A personal token: refused without a dataset, then created, read once, used, revoked."""
    page.go("/ui/tokens")
    page.visit("tokens")
    page.fill("Description", "browser check")
    page.fill("Dataset patterns", "")
    page.submit(page.button("Create token"))
    check(
        "Name at least one dataset pattern" in page.text("#datasets-error"),
        "a token without a dataset is refused next to the field",
    )
    check(page.value("Description") == "browser check", "the description is kept")
    page.visit("token-refused")
    page.fill("Dataset patterns", "*")
    page.choose("Expires after", "7")
    page.submit(page.button("Create token"))
    check(
        "you will not see it again" in page.text("body"), "the secret is shown once, with a warning"
    )
    check(page.button("Copy token").is_displayed(), "the copy button shows with JavaScript on")
    secret = page.text("#new-token").strip()
    page.visit("token-created")
    check(s.api("/auth/token/validation", secret)[0] == 200, "the new token validates")

    def last_used():
        page.go("/ui/tokens")
        return "from 127.0.0.1" in page.text("tbody")

    check(wait_until("the token's last use", last_used), "the token's last use is shown")
    page.submit(page.button("Revoke token browser check"), confirm=True)
    check(s.api("/auth/token/validation", secret)[0] == 401, "the revoked token is refused")


def resource_tokens(s):
    """A resource's token page, as the QGIS plugin site's, used by its maintainer."""
    status, admin = s.api("/auth/login", body={"username": "admin", "password": "admin"})
    check(status == 200, f"admin logs in over the API ({status})")
    token = admin.get("access_token")
    status, _ = s.api(
        "/users",
        token,
        {
            "username": "mara",
            "fullname": "Mara Maintainer",
            "role": "contributor",
            "password": "a long passphrase 45",
        },
    )
    check(status == 201, f"the maintainer is created ({status})")
    status, _ = s.api("/resources", token, {"name": "qgis-plugin", "maintainers": ["mara"]})
    check(status == 201, f"the resource is created ({status})")
    mara = s.browser("maintainer")
    mara.go("/ui/resources")
    mara.login("mara", "a long passphrase 45")
    check(
        mara.url.endswith("/ui/resources"), f"the maintainer is back on the resources ({mara.url})"
    )
    mara.visit("resources")
    mara.submit(mara.driver.find_element(By.LINK_TEXT, "qgis-plugin"))
    mara.fill("Description", "plugin upload")
    mara.submit(mara.button("Generate token"))
    check(mara.count("#new-token") == 1, "the resource token is shown once")
    secret = mara.text("#new-token").strip()
    mara.visit("resource")
    mara.submit(mara.driver.find_element(By.LINK_TEXT, "plugin upload"))
    check("plugin upload" in mara.text("dl"), "the token's details")
    mara.visit("resource-token")
    mara.fill("Description", "plugin upload (CI)")
    mara.submit(mara.button("Save description"))
    check("plugin upload (CI)" in mara.text("dl"), "the token is renamed")
    check(s.api("/auth/token/validation", secret)[0] == 200, "the resource token validates")
    mara.submit(mara.button("Delete token"), confirm=True)
    check("This resource has no live token." in mara.text("body"), "the token is deleted")
    check(s.api("/auth/token/validation", secret)[0] == 401, "the deleted token is refused")


def admin_users(s, page):
    """Admin: create a user (a weak password first), make them a contributor, disable them."""
    page.go("/ui/admin/users")
    page.fill("Username", "carol")
    page.fill("Full name", "Carol Check")
    page.fill("Password", "short")
    page.submit(page.button("Create user"))
    check(
        page.text("#password-error") != "",
        f"a weak password is refused next to the field ({page.text('#password-error')})",
    )
    check(page.value("Username") == "carol", "the username is kept")
    check(page.value("Full name") == "Carol Check", "the full name is kept")
    check(page.value("Password") == "", "the password is not sent back")
    page.visit("user-refused")
    page.fill("Password", "a long passphrase 44")
    page.submit(page.button("Create user"))
    check("carol" in page.text("tbody"), "the user is created")
    page.choose("Role of carol", "contributor")
    form = page.driver.find_element(By.CSS_SELECTOR, "form[action='/ui/admin/users/carol/role']")
    page.submit(form.find_element(By.TAG_NAME, "button"))
    check(page.value("Role of carol") == "contributor", "carol is a contributor")
    carol = s.browser("carol")
    carol.login("carol", "a long passphrase 44")
    check(carol.url.endswith("/ui/account"), f"carol logs in ({carol.url})")
    check("contributor" in carol.text("main"), "carol sees her role")
    page.submit(page.button("Disable carol"), confirm=True)
    page.visit("admin-users")
    carol.go("/ui/sessions")
    check("/ui/login" in carol.url, f"disabled, carol's browser is sent to login ({carol.url})")
    check("Your session has ended" in carol.text("[role=alert]"), "and told why")
    page.go("/ui/admin/audit?event=user_disabled")
    check("user_disabled" in page.text("tbody"), "the audit trail shows it")
    page.visit("admin-audit")


def refusals(s, page):
    """A form without its token is refused and changes nothing; a wrong current password."""
    page.go("/ui/account")
    before = page.value("Full name")
    page.driver.execute_script(
        "document.querySelectorAll('input[name=csrf]').forEach((i) => i.remove())"
    )
    page.fill("Full name", "Mallory")
    page.submit(page.button("Save profile"))
    check("Form refused" in page.text("h1"), "a form without its token is refused")
    check("not sent from this page" in page.text("main"), "and says why")
    page.visit("form-refused")
    page.go("/ui/account")
    check(page.value("Full name") == before, "the refused form changed nothing")
    page.fill("Current password", "not-the-password")
    page.fill("New password", "a long new passphrase 46")
    page.fill("New password again", "a long new passphrase 46")
    page.submit(page.button("Change password"))
    check(
        page.text("#current-error") != "",
        f"a wrong current password is said next to it ({page.text('#current-error')})",
    )
    for label in ("Current password", "New password", "New password again"):
        check(page.value(label) == "", f"{label}: not sent back")
    page.visit("password-refused")


def expired_session(s):
    """A session that ran out (a server whose sessions last 3 s) sends the page to login."""
    saved = s.base
    s.base = s.expiry_base
    try:
        e = s.browser("expiring session")
        e.go("/ui/account")
        e.login("admin", "admin")
        check(e.url.endswith("/ui/account"), f"logged in on the short-session server ({e.url})")

        def thrown_out():
            e.go("/ui/account")
            return "/ui/login" in e.url

        check(wait_until("the session to expire", thrown_out), "the session expires")
        check("expired=1" in e.url, f"the login page is told it expired ({e.url})")
        check("Your session has expired" in e.text("[role=alert]"), "and says so")
        e.visit("session-expired")
        e.login("admin", "admin")
        check(e.url.endswith("/ui/account"), f"logging in again goes back to the page ({e.url})")
    finally:
        s.base = saved


def logout(s, page):
    page.go("/ui/account")
    page.submit(
        page.driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Log out')]")
    )
    check("/ui/login" in page.url, f"logged out ({page.url})")
    check("logged out" in page.text("[role=status]").lower(), "and told so")
    page.go("/ui/tokens")
    check("/ui/login" in page.url, "a page after logging out asks for a login")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--axe", required=True)
    parser.add_argument("--https", action="store_true")
    parser.add_argument("--expiry-url")
    s = Suite(parser.parse_args())
    try:
        page = s.browser("first browser")
        login_and_account(s, page)
        if not s.https:
            sessions(s, page)
            personal_token(s, page)
            resource_tokens(s)
            admin_users(s, page)
            refusals(s, page)
        if s.expiry_base:
            expired_session(s)
        logout(s, page)
    except Exception as e:  # reported as a failure, after what the browsers still hold
        traceback.print_exc()
        check(False, f"the scenario ran to its end ({type(e).__name__}: {e})")
    finally:
        s.close()
    print(f"web: {s.run}: {s.shots} pages photographed, audited and measured")
    print(f"browser: {check.checks - len(check.failures)} passed, {len(check.failures)} failed")
    sys.exit(0 if not check.failures else 1)


if __name__ == "__main__":
    main()
