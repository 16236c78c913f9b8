"""A booking's bill (folio): lines that are never edited, only reversed; a balance that is
their sum; the desk's postings; the business days the night audit closes.

- models: the header, the lines, the business days
- lines: what a line is worth (effect, tax inside), pure
- stay_lines: what the stay and its online payments put on the bill, pure
- posting: the one transaction that writes lines
- business_day: which day a line counts in; closed days refuse postings
- services: sync with the booking, and the desk's postings
"""
