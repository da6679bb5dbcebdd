#!/usr/bin/env python3
"""Drives Debian's headless chromium through chromedriver (Selenium) the way a leader and a sponsor would:
opens a nudge's answer link on a phone-sized window, fills and submits the form, opens the link again, and
opens each SVG picture with an API key. Writes a screenshot of every step into --out and prints what it saw
as one JSON object. Exits non-zero when the browser is missing or anything is not as expected."""

import argparse
import json
import os
import shutil
import sys

PHONE = (412, 915)


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(1)


def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        fail("selenium is not installed (deploy/install-deps installs it)")
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not chromium or not os.path.exists(driver):
        fail("chromium and chromium-driver are required (deploy/install-deps installs them)")
    options = Options()
    options.binary_location = chromium
    # As root (CI) chromium refuses to start sandboxed; headless needs no display.
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--no-first-run", "--window-size=%d,%d" % PHONE]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


def phone(driver, height=PHONE[1]):
    """A phone's viewport (width, touch-sized layout), through the DevTools protocol."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE[0], "height": height, "deviceScaleFactor": 1, "mobile": True})


def screenshot(driver, path):
    """The whole page at phone width, not only the first screen."""
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, 200)")
    phone(driver, min(max(height, 200), 4000))
    driver.save_screenshot(path)
    phone(driver)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--svg", action="append", default=[], help="name=path of a picture to open")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException,
                                            StaleElementReferenceException)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    seen = {"screenshots": []}
    driver = browser()
    try:
        link = "%s/answer/%s" % (args.base, args.token)
        phone(driver)
        driver.get(link)
        seen["title"] = driver.find_element(By.TAG_NAME, "h2").text
        try:
            driver.switch_to.alert
            seen["alert"] = True
        except NoAlertPresentException:
            seen["alert"] = False
        seen["scripts"] = driver.execute_script("return document.scripts.length")
        # The inline style applies only if the Content-Security-Policy's hash matches it.
        seen["button_colour"] = driver.execute_script(
            "return getComputedStyle(document.querySelector('button')).backgroundColor")
        seen["fits_phone"] = driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth")
        seen["cookies"] = len(driver.get_cookies())
        seen["labels"] = driver.execute_script(
            "return [...document.querySelectorAll('select, textarea')].every(e => e.labels.length > 0)")
        path = os.path.join(args.out, "answer-page.png")
        screenshot(driver, path)
        seen["screenshots"].append(path)

        driver.find_element(By.CSS_SELECTOR, "input[name=priority][value='4']").click()
        Select(driver.find_element(By.ID, "buy-in-1")).select_by_value("committed")
        driver.find_element(By.ID, "concern-1").send_keys("Need two trainers")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # The old page's elements go stale while the answer loads; wait for the new one.
        WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException]).until(
            lambda d: "Thank you" in d.find_element(By.TAG_NAME, "h1").text)
        seen["thanks"] = driver.find_element(By.CSS_SELECTOR, "p.done").text
        path = os.path.join(args.out, "answer-thanks.png")
        screenshot(driver, path)
        seen["screenshots"].append(path)

        driver.get(link)
        seen["replay"] = driver.find_element(By.TAG_NAME, "h1").text
        seen["replay_forms"] = len(driver.find_elements(By.TAG_NAME, "form"))
        path = os.path.join(args.out, "answer-replayed.png")
        screenshot(driver, path)
        seen["screenshots"].append(path)

        # The pictures need the API key, as a sponsor's browser or a report would send it.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Bearer " + args.key}})
        seen["svg"] = {}
        for entry in args.svg:
            name, path_part = entry.split("=", 1)
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.set_window_size(1200, 800)
            driver.get(args.base + path_part)
            size = driver.execute_script(
                "const r = document.documentElement.getBoundingClientRect();"
                "return [document.contentType, document.documentElement.tagName, r.width, r.height,"
                " document.querySelectorAll('rect').length]")
            seen["svg"][name] = size
            path = os.path.join(args.out, name + ".png")
            driver.save_screenshot(path)
            seen["screenshots"].append(path)
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
