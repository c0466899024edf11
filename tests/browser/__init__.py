"""The site's tests in a real browser, with axe-core, the Nu HTML Checker and Apache httpd."""
