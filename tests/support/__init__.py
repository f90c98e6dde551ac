"""Helpers shared by the test packages: builders, factories and clients. Test modules and conftest files
import from here, never from each other."""
