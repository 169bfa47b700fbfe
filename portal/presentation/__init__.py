"""Presentation shared by the web pages and the documents: translated texts, answers as rows."""
