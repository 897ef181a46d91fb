"""Training parameters as clients send them, checked without importing torch (web process)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from .models import TrainingCorpus

LIMITS = {"epochs": (1, 100), "learning_rate": (1e-7, 1e-2), "batch_size": (1, 512), "max_length": (16, 512)}
SOURCES = ("corpus", "lexicon", "reviewed")


def validated(params: dict[str, Any]) -> dict[str, Any]:
    """Return complete, checked parameters; refuse bad ones with a message per field."""
    clean: dict[str, Any] = {
        "base_model": str(params.get("base_model") or settings.ML_BASE_MODEL),
        "epochs": params.get("epochs", 6),
        "learning_rate": params.get("learning_rate", 5e-5),
        "batch_size": params.get("batch_size", 16),
        "max_length": params.get("max_length", 256),
        "sources": list(params["sources"] if params.get("sources") is not None else SOURCES),
        "corpora": params.get("corpora") or [],
        "activate": bool(params.get("activate", False)),
    }
    errors: dict[str, list[str]] = {}
    for name, (low, high) in LIMITS.items():
        value = clean[name]
        kind = float if name == "learning_rate" else int
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            errors[name] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        else:
            clean[name] = kind(value)
    unknown = [s for s in clean["sources"] if s not in SOURCES]
    if unknown:
        errors["sources"] = [_("Choose among: %(names)s.") % {"names": ", ".join(SOURCES)}]
    corpora = clean["corpora"]
    if not isinstance(corpora, list) or not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in corpora):
        errors["corpora"] = [_("Give the ids of imported corpora.")]
    elif TrainingCorpus.objects.filter(pk__in=corpora).count() != len(set(corpora)):
        errors["corpora"] = [_("No such imported corpus.")]
    if errors:
        raise ApplicationError(_("Invalid training parameters."), code="invalid", extra={"fields": errors})
    return clean
