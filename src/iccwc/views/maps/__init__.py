"""Offline ipyleaflet maps, built with the map kit of :mod:`iccwc.views.maps.base`."""
