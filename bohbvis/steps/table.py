"""The data panel: every evaluation in a sortable, filterable table that follows the deck's brushes.

With `follows: carried` the table lists the evaluations a brush or click on an earlier slide
carried forward (Link(carry=True)), and all evaluations while nothing is carried. Big runs put
at most `max_rows` rows in the deck: the best by the metric, and the caption says so.

Numbers (`table.<name>`): n_rows (rows in the deck), n_total (evaluations in the run),
limited (bool), metric, sort, follows ("carried" | "none"), columns (list of column keys),
n_crashed.
"""

from __future__ import annotations

from ..errors import BohbvisError, did_you_mean
from ..i18n import tr, trn
from ..model.run import Run
from ..options import Choice, Int, ListOf, StepOptions, Str
from ._base import CARRIED, Column, Slide, Table, UserText
from ._metric import metric_for, metric_option
from ._rows import all_column_names, base_columns, column_for, table_rows
from ._sampling import best_rows

KIND = "table"
DESCRIPTION = "The data panel: all evaluations, sortable and filterable, following the deck's carried selection."
OPTIONS = {
    "follows": Choice(
        doc="carried: list the evaluations selected on an earlier slide (all while nothing is "
        "selected); none: always list all.",
        default="carried",
        choices=("carried", "none"),
    ),
    "columns": ListOf(
        doc="Columns to show, in order: sample_id, config_id, bracket, round, trial, budget, sample_type, "
        "status, loss, accuracy, started, finished, or a hyperparameter's name. Default: the useful ones.",
        item=Str(),
    ),
    "sort": Str(doc='Initial sort, a column name; a leading "-" sorts descending (e.g. "-accuracy"). '
                "Default: best first by the metric."),
    "max_rows": Int(doc="Most rows put in the deck; a bigger run keeps the best by the metric.", default=2000, min=1),
    "metric": metric_option(doc="Which metric picks the rows kept for a big run and the default sort."),
}


def _resolve_name(run: Run, name: str, key: str) -> Column:
    try:
        return column_for(run, name)
    except KeyError:
        names = all_column_names(run)
        raise BohbvisError(
            f"the run has no column {name!r}.",
            key=key,
            allowed=", ".join(names),
            hint=did_you_mean(name, names),
        ) from None


def columns_for(run: Run, names: list[str] | None) -> tuple[Column, ...]:
    if not names:
        return base_columns(run)
    cols: list[Column] = []
    for name in names:
        col = _resolve_name(run, str(name), "columns")
        if col.key not in {c.key for c in cols}:
            cols.append(col)
    if not run.has_accuracy and any(c.key == "accuracy" for c in cols):
        raise BohbvisError("the run records no accuracy.", key="columns",
                           allowed=", ".join(n for n in all_column_names(run) if n != "accuracy"))
    return tuple(cols)


def sort_for(run: Run, sort: str | None, default: str) -> str:
    """The table's sort string with the column's table key (a hyperparameter name -> config_<name>)."""
    if not sort:
        return default
    desc = sort.startswith("-")
    col = _resolve_name(run, sort.lstrip("-+").strip(), "sort")
    return ("-" if desc else "") + col.key


def build(run: Run, options: StepOptions) -> Slide:
    metric = metric_for(run, options.get("metric", "auto"))
    columns = columns_for(run, options.get("columns"))
    sort = sort_for(run, options.get("sort"), metric.sort)
    follows = options.get("follows", "carried")
    limit = options.get("max_rows", OPTIONS["max_rows"].default)
    listed = best_rows(run.table, metric, limit)
    total = listed.total
    caption_bits = [listed.note or trn("The run's {n} evaluation.", "All {n} evaluations.", total)]
    if run.n_crashed and any(c.key in ("loss", "accuracy") for c in columns):
        caption_bits.append(trn("{n} crashed evaluation has no loss (shown as –).",
                                "{n} crashed evaluations have no loss (shown as –).", run.n_crashed))
    if follows == "carried":
        caption_bits.append(tr("Rows follow the selection carried from earlier slides; all rows while nothing is "
                               "selected."))
    table = Table(
        id=f"s{options.index}-table",
        columns=columns,
        rows=table_rows(listed.frame, columns, extra=("config_id",), digits=6),
        follows=(CARRIED,) if follows == "carried" else (),
        sort=sort,
        caption=" ".join(caption_bits),
        empty_text=tr("No evaluation matches the carried selection and the filter."),
    )
    n = {
        "n_rows": len(table.rows),
        "n_total": total,
        "limited": listed.sampled,
        "metric": metric.field,
        "sort": sort,
        "follows": follows,
        "columns": [c.key for c in columns],
        "n_crashed": run.n_crashed,
    }
    title = options.title or trn("The data: {n} evaluation, best first", "The data: {n} evaluations, best first", total)
    if options.title is None and sort != metric.sort:
        title = trn("The data: {n} evaluation", "The data: {n} evaluations", total)
    notes = tr("Sort by any column by clicking its header; type in the filter box to keep matching rows.")
    if follows == "carried":
        notes += " " + tr("The table lists what was selected on earlier slides.")
    return Slide(kind=KIND, title=title, blocks=(UserText(), table), notes=notes, numbers={KIND: n})
