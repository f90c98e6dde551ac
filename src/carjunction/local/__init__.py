"""The local stack behind `make serve`: the built site and the real API on one loopback origin."""
