"""The shared site: executed notebooks made into pages for their readers.

``reader`` makes the reader's view of a notebook (tags, figure metadata, downloads) before conversion;
``render`` converts it through the template folder ``templates/iccwc/`` (``index.html.j2`` extending
nbconvert's "lab" page, ``static/page.css`` and ``static/page.js``, inlined in each page) and writes the
index from ``site-index.html.j2``; ``vega`` compiles the interactive charts for the page's script;
``static_assets`` fetches (sha256-checked) and copies the four scripts the pages load into ``_static/``.
"""
