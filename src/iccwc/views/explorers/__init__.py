"""Explorers: linked widgets with one shape (``widget``, ``controls``, ``update()``; see
:mod:`iccwc.views.explorers.base`)."""
