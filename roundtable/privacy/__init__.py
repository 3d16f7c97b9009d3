"""Members' privacy: their choices (model), the service that keeps them, and its store."""
