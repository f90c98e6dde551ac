"""Moved to tests/support/site_build.py; this name stays only until the render-adapter tests import from there."""

from tests.support.site_build import ROOT, build_site

__all__ = ["ROOT", "build_site"]
