"""Text as newswatch reads it, for matching, place recognition and deduplication alike.

normalize   what "the same word" means: ``normalize``, ``tokenize`` and the fast paths
            over one ASCII byte table (``token_words``, ``token_forms``, ``ascii_fold``)
pieces      a recogniser's tokens with offsets through a memo of pieces (``TokenCache``)
surface     where a term occurs, found in a folded or keyed copy of the text
stems       what a word stands for in one language (Arabic proclitics, pymorphy3, Snowball)
analysis    keys of article and query words per language; how an article is read
memo        article word → keys, remembered across articles (bounded)

It imports nothing else of newswatch (an import-linter layer below match, geo and dedup).
"""
