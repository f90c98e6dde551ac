"""Staff and operator tools: adding a car, ingesting photos, deploying. Heavy imports stay inside functions."""
