"""Readers: one a file kind, each giving the importer a Document."""
