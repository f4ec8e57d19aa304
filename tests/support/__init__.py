"""Helpers shared by the test folders: corpora, servers, PostgreSQL, Chromium, and the checks several suites reuse."""
