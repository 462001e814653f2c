"""Imported by the extraction workers' fork server (extract.pool) and nowhere else.

Importing it loads the extraction stack and runs one extraction, so that the lazy parts
(trafilatura's and htmldate's caches, lxml's parser set-up: ~35 MB and a second of CPU)
happen once in the server; every worker forked from it starts warm.
"""

from newswatch.extract.article import extract_article

extract_article("<html><body><p>warm up</p></body></html>", "http://localhost/")
