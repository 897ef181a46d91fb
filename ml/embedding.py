"""Compute course embeddings with the sentence encoder, in batches. Reached only from the ml tasks
(`embed_courses_task`); it loads the model (torch) through ml.inference."""

from django.conf import settings

from courses.models import Course
from ml import services
from ml.inference import embedder_for
from ml.models import CourseEmbedding

# Courses per encoder call and per transaction: one GPU batch of the encoder (EMBED_BATCH_SIZE),
# and a crash loses little.
EMBEDDING_BATCH = 256


def course_embeddings_compute(*, course_ids: list[int] | None = None) -> int:
    """Embed the published courses among `course_ids` (all with None) whose text differs from the
    one their stored vector was computed from; return how many were embedded."""
    model_name = settings.ML_EMBEDDING_MODEL
    courses = Course.objects.published().order_by("pk")
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    stored = CourseEmbedding.objects.filter(model_name=model_name, course__in=courses)
    digests = dict(stored.values_list("course_id", "text_digest"))
    stale = []
    for course in courses.only("pk", "title_zh", "title_en", "description_zh", "description_en"):
        text = services.course_embedding_text(course)
        if digests.get(course.pk) != (digest := services.course_text_digest(text)):
            stale.append((course.pk, digest, text))
    if not stale:
        return 0
    embedder = embedder_for(model_name)
    for begin in range(0, len(stale), EMBEDDING_BATCH):
        chunk = stale[begin : begin + EMBEDDING_BATCH]
        vectors = embedder.embed([text for _, _, text in chunk])
        services.course_embeddings_store(
            model_name=model_name,
            rows=[
                (course_id, digest, vector.astype("<f4").tobytes(), vector.shape[0])
                for (course_id, digest, _), vector in zip(chunk, vectors, strict=True)
            ],
        )
    return len(stale)
