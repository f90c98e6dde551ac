"""Car Junction storefront: catalogue, site build, API and staff tools."""
