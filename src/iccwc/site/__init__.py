"""The shared site's nbconvert template folder (issue 23, in progress; not used by the pipeline yet).

``templates/iccwc/`` is an nbconvert template folder (``conf.json``, ``static/page.css``, ``static/page.js``):
the page's styles (figures as one component with tabs, the lead's headline numbers, print media) and its
script (tabs, every in-page control kept in the page's address and restored from it, the interactive
charts, map tooltips without Leaflet's private fields, PNG downloads), moved out of the Python strings of
``iccwc.site.render`` and ``iccwc.site.vega``. The ``.j2`` templates, the preprocessors that
make the reader's view from tags and output metadata, and the switch of ``iccwc.commands`` to them are
the next steps (see the closing note of the session that added this folder).
"""
