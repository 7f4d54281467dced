"""General-purpose pieces the domain and its doors use, none of them about fact-checking:
keyset paging over querysets (`keyset`) and reading ISO 8601 instants (`instants`)."""
