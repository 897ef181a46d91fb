"""Course recommendations read from stored embeddings: "similar courses" and "pair it with" (the
best of the other track). Reads only (selectors of recommendations); numpy, no torch.

The published courses' vectors are held in each web process as one matrix, keyed by the catalogue
version (any course write or newly stored vector moves it), so that a course page costs the same
few queries whatever the catalogue's size: the course, the learner's enrollments and the
recommended courses; loading the matrix adds one query once per version and process."""

import threading
import uuid
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from courses.cache import catalogue_version
from courses.models import Course, Enrollment
from ml import selectors
from ml.models import CourseEmbedding
from ml.ranking import Vectors

RECOMMENDATIONS = 4  # cards per row on the course page
SHOWN_SKILLS = 3  # skills a reason names: one line
OTHER_TRACK = {Course.Track.KNOWLEDGE: Course.Track.ART, Course.Track.ART: Course.Track.KNOWLEDGE}


@dataclass(frozen=True)
class Index:
    ids: np.ndarray  # course ids, one per row of vectors
    tracks: np.ndarray
    vectors: Vectors
    row_of: dict[int, int]


@dataclass(frozen=True)
class Recommendation:
    course: Course
    score: float
    reason: str


INDEX_TOKEN_KEY = "ml:recommendations:index-token"
_indexes: dict[tuple[str, int, str], Index] = {}
_lock = threading.Lock()


def _index(model_name: str) -> Index:
    # The token tells a flushed cache (whose version starts again at 1) from the one the held
    # index was read under.
    token = str(cache.get_or_set(INDEX_TOKEN_KEY, lambda: uuid.uuid4().hex, timeout=None))
    key = (model_name, catalogue_version(), token)
    with _lock:
        if key not in _indexes:
            rows = list(
                CourseEmbedding.objects.filter(model_name=model_name, course__status=Course.Status.PUBLISHED)
                .order_by("course_id")
                .values_list("course_id", "course__track", "vector")
            )
            vectors = np.array([np.frombuffer(bytes(v), dtype="<f4") for _, _, v in rows], dtype=np.float32)
            if not rows:
                vectors = np.zeros((0, 0), dtype=np.float32)
            _indexes.clear()  # one version held: older ones are never read again
            _indexes[key] = Index(
                ids=np.array([r[0] for r in rows], dtype=np.int64),
                tracks=np.array([r[1] for r in rows]),
                vectors=vectors,
                row_of={course_id: row for row, (course_id, _, _) in enumerate(rows)},
            )
        return _indexes[key]


def course_recommendations(*, course: Course, user_id: int | None) -> dict[str, list[Recommendation]]:
    """Return up to RECOMMENDATIONS "similar" courses and "pair_with" courses of the other track for
    `course`, best first, never the course itself nor one the learner is enrolled in."""
    index = _index(settings.ML_EMBEDDING_MODEL)
    found: dict[str, list[Recommendation]] = {"similar": [], "pair_with": []}
    row = index.row_of.get(course.pk)
    if row is None:
        return found  # not embedded yet: the task that embeds it moves the catalogue version
    owned = set()
    if user_id is not None:
        owned = set(Enrollment.objects.active().filter(learner_id=user_id).values_list("course_id", flat=True))
    scores = index.vectors @ index.vectors[row]
    allowed = ~np.isin(index.ids, [course.pk, *owned])
    other = OTHER_TRACK.get(Course.Track(course.track))
    picks: dict[str, list[int]] = {
        "similar": _best(scores, allowed),
        "pair_with": _best(scores, allowed & (index.tracks == other)) if other else [],
    }
    wanted = {int(index.ids[r]) for rows in picks.values() for r in rows}
    if not wanted:
        return found
    courses = Course.objects.in_bulk(wanted)
    skills = _skills([course.pk, *wanted])
    own = skills.get(course.pk, {})
    for name, rows in picks.items():
        for r in rows:
            if (candidate := courses.get(int(index.ids[r]))) is not None:
                shared = [text for key, text in own.items() if key in skills.get(candidate.pk, {})]
                reason = _reason(name, candidate, shared)
                found[name].append(Recommendation(candidate, float(scores[r]), reason))
    return found


def _skills(course_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per course, its shown skills (lower-cased -> as written, most confident first): one query."""
    found: dict[int, dict[str, str]] = {}
    for course_id, text in (
        selectors.active_skills()
        .filter(course_id__in=course_ids)
        .order_by("course_id", "-confidence", "start")
        .values_list("course_id", "text")
    ):
        found.setdefault(course_id, {}).setdefault(text.strip().lower(), text.strip())
    return found


def _best(scores: np.ndarray, allowed: np.ndarray) -> list[int]:
    """Rows of the RECOMMENDATIONS best allowed scores, best first (ties to the lower row)."""
    masked = np.where(allowed, scores, -np.inf)
    k = min(RECOMMENDATIONS, int(allowed.sum()))
    if k == 0:
        return []
    best = np.argpartition(-masked, k - 1)[:k]
    best.sort()
    return [int(r) for r in best[np.argsort(-masked[best], kind="stable")]]


def _reason(name: str, candidate: Course, shared: list[str]) -> str:
    if shared:
        return _("Shares %(skills)s") % {"skills": _(", ").join(shared[:SHOWN_SKILLS])}
    if name == "similar":
        return _("Close in content to this course")
    if candidate.track == Course.Track.ART:
        return _("An art course to go with this knowledge course")
    return _("A knowledge course to go with this art course")
