"""The run model: the tidy evaluation table and what describes the run around it."""

from .run import COLUMNS, SAMPLE_TYPES, BracketSummary, RoundSummary, Run
from .space import Hyperparameter

__all__ = ["COLUMNS", "SAMPLE_TYPES", "BracketSummary", "RoundSummary", "Run", "Hyperparameter"]
