"""Shared code of the ward's administrative-reform site: Vietnamese text rules, data files,
diagnostics for editors, and the `cchc` command-line tool."""
