"""Lapor Bencana: disaster reports from residents, turned into decisions by the Dinas Sosial."""

__version__ = "0.1.0"
