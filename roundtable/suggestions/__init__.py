"""Questions members suggest: the nouns (model), the one service that decides, its store."""
