"""The query parameters of a change list that are not filters (read by the list and its filters)."""

SEARCH_VAR = "q"
CURSOR_VAR = "cursor"
# `?all=1`: the whole list, without the admin's default filters ("Clear all filters").
ALL_VAR = "all"
