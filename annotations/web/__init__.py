"""The browser's door: pages rendered by Django (views, urls) and the reader's server-side
highlighting. The pages' scripts talk to the REST API (annotations.api)."""
