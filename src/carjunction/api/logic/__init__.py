"""Plain Python between the handlers and the store, one verb_noun module per action."""
