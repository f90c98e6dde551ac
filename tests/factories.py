"""Moved to tests/support/factories.py; this name stays only until the render-adapter tests import from there."""

from tests.support.factories import TODAY, unique_stock_no, vehicle_data, write_vehicle

__all__ = ["TODAY", "unique_stock_no", "vehicle_data", "write_vehicle"]
