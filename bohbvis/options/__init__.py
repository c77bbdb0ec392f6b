"""The grammar's vocabulary: option descriptors (each validates itself and describes itself as
JSON Schema) and StepOptions, the validated step every step kind's build() receives.

Below both story/ (which validates stories with these) and steps/ (which declare their OPTIONS
with these), so neither imports the other for them.
"""

from .descriptors import (
    Bool,
    Choice,
    Float,
    Int,
    ListOf,
    Mapping,
    Markdown,
    OneOf,
    Option,
    OptionError,
    Str,
)
from .step import COLUMN_BREAK, StepOptions

__all__ = ["Bool", "Choice", "Float", "Int", "ListOf", "Mapping", "Markdown", "OneOf", "Option",
           "OptionError", "Str", "COLUMN_BREAK", "StepOptions"]
