"""Read, validate and write scenarios (CSV/TOML folders, Excel workbooks).

The Excel functions live in `replenish.scenario.xlsx`, imported on demand (openpyxl is slow
to import and most commands never need it).
"""

from replenish.scenario.reader import (
    read_raw_records,
    read_raw_tables,
    read_scenario,
    read_settings_dict,
    write_raw_table,
    write_settings,
)

__all__ = [
    "read_raw_records",
    "read_raw_tables",
    "read_scenario",
    "read_settings_dict",
    "write_raw_table",
    "write_settings",
]
