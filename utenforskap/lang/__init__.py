"""Language data and display strings, one subpackage per language (as spaCy's ``lang/``)."""
