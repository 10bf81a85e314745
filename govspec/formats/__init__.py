"""Output formats: report objects (:mod:`govspec.report`) rendered for readers and machines.

Renderers read reports; reports never import renderers.

- :mod:`.render`: what every format shares (verdict words and phrases, details, notes) and JSON;
- :mod:`.story`: a scenario told in plain words;
- :mod:`.outputs`: text, Markdown, SARIF and JUnit;
- :mod:`.html`: the HTML report (Jinja2 templates in ``govspec/templates``) with its SVG timelines;
- :mod:`.review`: a Markdown review document rendered with its results;
- :mod:`.itf`: scenarios as ITF traces (Apalache's Informal Trace Format).
"""
