"""The one place each scenario column is declared; reader, validator, writer, xlsx and docs
derive from it (PyPSA keeps component attributes as tables for the same reason).

Column types:
  code      [A-Za-z0-9_.-]{1,64}
  text      any string
  month     YYYY-MM, converted to an offset from the scenario start
  quantity  non-negative number (whole where the row's item is integer)
  money     non-negative number
  int       non-negative whole number
  priority  whole number 1..5
  bool      true/false (also yes/no, 1/0)
  enum      one of `choices`
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    required: bool = True          # must be present as a header and non-empty in every row
    default: str | None = None     # used when the cell is empty (and the column not required)
    unit: str = ""
    choices: tuple[str, ...] = ()
    description: str = ""
    #: a file this column goes with: without that file the column is neither read nor written
    needs: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]           # columns that must be unique together
    required: bool = False         # the file must exist
    description: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def with_files(self, files: Collection[str]) -> Table:
        """This table without the columns whose `needs` file is not among `files`."""
        kept = tuple(c for c in self.columns if not c.needs or c.needs in files)
        return self if len(kept) == len(self.columns) else replace(self, columns=kept)


C = Column

#: Transport modes of routes.csv.
MODES = ("rail", "road", "air", "sea")

TABLES: tuple[Table, ...] = (
    Table("nations.csv", (
        C("code", "code", description="nation code"),
        C("name", "text", description="display name"),
        C("role", "enum", choices=("member", "recipient"), description="member or recipient"),
        C("annual_budget", "money", required=False, unit="currency/year",
          description="spending limit per 12-month year; empty = unlimited"),
    ), key=("code",), required=True, description="coalition members and recipients"),
    Table("items.csv", (
        C("code", "code"),
        C("name", "text"),
        C("family", "code", description="items of a family can meet each other's requirements"),
        C("kind", "enum", choices=("platform", "munition", "spare", "other")),
        C("unit_cost", "money", unit="currency/unit", description="value of one unit"),
        C("integer", "bool", required=False,
          description="quantities must be whole; default true for platforms, false otherwise"),
        C("tonnes_per_unit", "quantity", required=False, default="0", unit="tonnes/unit",
          description="weight of one unit against transport limits; read only where "
                      "routes.csv exists; empty = 0", needs="routes.csv"),
    ), key=("code",), required=True, description="materiel"),
    Table("compatibility.csv", (
        C("munition", "code"),
        C("platform", "code"),
    ), key=("munition", "platform"), description="which munition fits which platform"),
    Table("stocks.csv", (
        C("nation", "code"),
        C("item", "code"),
        C("on_hand", "quantity", unit="units"),
        C("floor", "quantity", unit="units", description="readiness floor"),
        C("target", "quantity", required=False, unit="units", description="empty = floor"),
    ), key=("nation", "item"), required=True, description="members' stocks"),
    Table("requirements.csv", (
        C("id", "code"),
        C("recipient", "code"),
        C("item", "code", required=False),
        C("family", "code", required=False),
        C("quantity", "quantity", unit="units"),
        C("needed_by", "month"),
        C("priority", "priority", description="1 (highest) to 5"),
    ), key=("id",), description="what the recipient needs, by when"),
    Table("pledges.csv", (
        C("id", "code"),
        C("donor", "code"),
        C("recipient", "code"),
        C("item", "code"),
        C("quantity", "quantity", unit="units"),
        C("month", "month", description="committed: dispatched by this month"),
        C("status", "enum", choices=("committed", "announced")),
    ), key=("id",), description="promises of aid"),
    Table("production_lines.csv", (
        C("producer", "code"),
        C("nation", "code"),
        C("item", "code"),
        C("capacity", "quantity", unit="units/month"),
        C("unit_price", "money", unit="currency/unit"),
        C("lead_time", "int", unit="months", description="production to arrival"),
        C("max_expansion", "quantity", required=False, default="0", unit="units/month"),
        C("min_expansion", "quantity", required=False, default="0", unit="units/month"),
        C("expansion_lead_time", "int", required=False, default="0", unit="months"),
        C("expansion_cost", "money", required=False, default="0",
          unit="currency per unit/month added"),
        C("commitment_months", "int", required=False, default="12", unit="months"),
    ), key=("producer", "item"), description="industry's lines"),
    Table("price_breaks.csv", (
        C("producer", "code"),
        C("item", "code"),
        C("min_quantity", "quantity", unit="units"),
        C("unit_price", "money", unit="currency/unit"),
    ), key=("producer", "item", "min_quantity"), description="volume pricing tiers"),
    Table("fielded.csv", (
        C("recipient", "code"),
        C("platform", "code"),
        C("quantity", "quantity", unit="systems"),
    ), key=("recipient", "platform"), description="systems in service with the recipient"),
    Table("consumption.csv", (
        C("recipient", "code"),
        C("munition", "code"),
        C("platform", "code"),
        C("per_platform_month", "quantity", unit="units/system/month"),
        C("priority", "priority"),
    ), key=("recipient", "munition", "platform"), description="sustainment use"),
    Table("training.csv", (
        C("platform", "code"),
        C("course_months", "int", unit="months"),
        C("seats_per_month", "quantity", unit="crews/month"),
    ), key=("platform",), description="crew training"),
    Table("hubs.csv", (
        C("code", "code"),
        C("name", "text"),
        C("nation", "code", description="the nation the hub is in"),
        C("capacity_tonnes", "quantity", required=False, unit="tonnes/month",
          description="what the hub passes per month; empty = unlimited"),
    ), key=("code",), description="transit hubs (airport, rail head, crossing); only with "
                                  "routes.csv"),
    Table("routes.csv", (
        C("code", "code"),
        C("origin", "code", description="the member it leaves from"),
        C("hub", "code", required=False, description="a code of hubs.csv; empty = direct"),
        C("recipient", "code"),
        C("mode", "enum", choices=MODES),
        C("lead_months", "int", unit="months", description="leaving the origin to arrival"),
        C("capacity_tonnes", "quantity", required=False, unit="tonnes/month",
          description="what the route carries per month; empty = unlimited"),
    ), key=("code",), description="ways to the recipient; where this file exists, everything "
                                  "that reaches a recipient travels one route"),
)

TABLE_BY_FILE: dict[str, Table] = {t.file: t for t in TABLES}

#: scenario.toml keys: name -> (type, default, description)
SETTINGS: dict[str, tuple[str, object, str]] = {
    "name": ("text", None, "scenario name"),
    "start": ("month", None, "first month of the horizon, YYYY-MM"),
    "horizon_months": ("int", None, "number of months planned (0..H-1)"),
    "procurement": ("enum:joint,national", "joint", "joint (pooled) or national orders"),
    "delivery_lead_months": ("int", 1, "months from donor dispatch to recipient arrival"),
    "readiness": ("enum:above_aid,below_aid", "above_aid", "whether floors outrank aid"),
}
