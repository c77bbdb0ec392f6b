"""The run's analysis: the numbers a deck explains, computed without drawing anything.

Steps quote these, and so do `advise`, `compare`, the Python API and the view cache, so every
slide and command agrees on them (one definition of "best", one ranking, one budget verdict).
Layer: below steps/, above model/ (analysis imports model only).
"""

from .ranking import BestRule, incumbent, ranked_configs, rule_for

__all__ = ["BestRule", "incumbent", "ranked_configs", "rule_for"]
