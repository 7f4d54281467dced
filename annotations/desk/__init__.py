"""The desk at a glance: the dashboard's and the stats API's figures (`figures`), what they count
(`definitions`) and the charts drawn from them (`charts`). The counters they read are kept by
annotations.derived."""

from .figures import DeskStats, StatsFilters, desk_stats, languages, parse_filters

__all__ = ["DeskStats", "StatsFilters", "desk_stats", "languages", "parse_filters"]
