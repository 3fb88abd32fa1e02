"""Pure checks on patient text: validation, language, intent injection."""
