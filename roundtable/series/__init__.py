"""Scheduled series: their nouns (model), when they occur (recurrence), their life (service),
and what they need kept (store)."""
