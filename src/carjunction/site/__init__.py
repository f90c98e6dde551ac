"""The site build: a pure generator (generate.py) and a thin MkDocs adapter (plugin.py)."""

from carjunction.site.generate import generate
from carjunction.site.output import GeneratedFile, GeneratedPage, SiteBuild
from carjunction.site.settings import Currencies, Labels, Photo, SiteSettings, load_site_data

__all__ = [
    "Currencies",
    "GeneratedFile",
    "GeneratedPage",
    "Labels",
    "Photo",
    "SiteBuild",
    "SiteSettings",
    "generate",
    "load_site_data",
]
