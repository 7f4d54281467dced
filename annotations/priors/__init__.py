"""Prior fact-checks: ClaimReview from pages, feeds and files; rating mapping; matching claims to them."""
