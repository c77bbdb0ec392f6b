"""Reader options: what a tool does not store and the user can tell (the study, the pruner's
settings, Ray's scheduler settings). One frozen object, passed by the CLI and the API to the
registry, which hands it to the readers that use it and rejects options the chosen reader ignores."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..errors import BohbvisError

MODES = ("min", "max")


@dataclass(frozen=True)
class ReaderOptions:
    study: str | None = None  # Optuna: the study's name, when the storage holds several
    hyperband: tuple[float, float, float] | None = None  # Optuna: HyperbandPruner's (min, max, eta)
    mode: str | None = None  # Ray Tune: "min" or "max" for --metric
    max_t: float | None = None  # Ray Tune: HyperBand's max_t
    eta: float | None = None  # Ray Tune: HyperBand's reduction factor

    def given(self) -> list[str]:
        """The options the user set, as CLI flags."""
        return ["--" + f.name.replace("_", "-") for f in fields(self) if getattr(self, f.name) is not None]

    def check_for(self, reader: str, accepted: tuple[str, ...]) -> None:
        """An option the chosen reader ignores is an error, not silently dropped."""
        extra = [flag for flag in self.given() if flag not in accepted]
        if extra:
            raise BohbvisError(
                f"{', '.join(extra)} does not apply to a {reader} run.", key=extra[0],
                allowed=(", ".join(accepted) + f" for {reader}") if accepted else f"no reader options for {reader}",
            )


def parse_hyperband(text: str | None) -> tuple[float, float, float] | None:
    """'1,27,3' -> (1.0, 27.0, 3.0): HyperbandPruner's min_resource, max_resource, reduction_factor."""
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(",")]
    try:
        lo, hi, eta = (float(p) for p in parts)
    except ValueError:
        raise BohbvisError(f"'{text}' is not three numbers MIN,MAX,ETA.", key="--hyperband",
                           allowed="e.g. 1,27,3 (min_resource, max_resource, reduction_factor)") from None
    if not (0 < lo < hi and eta >= 2 and float(eta).is_integer()):
        raise BohbvisError(f"'{text}' needs 0 < MIN < MAX and a whole ETA >= 2.", key="--hyperband",
                           allowed="e.g. 1,27,3")
    return lo, hi, eta


def check_mode(mode: str | None) -> str | None:
    if mode is not None and mode not in MODES:
        raise BohbvisError(f"mode '{mode}' is not known.", key="--mode", allowed="min, max")
    return mode
