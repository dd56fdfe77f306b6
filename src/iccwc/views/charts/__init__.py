"""Charts: functions that take DataFrames and return a matplotlib Figure (see :mod:`iccwc.views.charts.base`)."""
