"""Members' reading progress: how far into each pack a member has read (model, service, store)."""
