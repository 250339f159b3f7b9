"""replenish: coalition materiel planning — donations, joint orders, expansion, sustainment."""

__version__ = "0.1.0"
