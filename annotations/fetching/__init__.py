"""Adding articles from the web: the address policy, the safe fetcher, extraction, and fetch jobs."""
