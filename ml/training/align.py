"""Align character spans to sub-word tokens and back, through the fast tokenizer's offsets."""

from collections.abc import Sequence
from typing import Any

from ml.spans import LABELS, Span

# The loss ignores positions labelled this: special tokens and padding are not "O" words.
IGNORE_INDEX = -100
LABEL_IDS = {label: i for i, label in enumerate(LABELS)}


def encode(tokenizer: Any, text: str, spans: Sequence[Span], max_length: int) -> dict[str, list[int]]:
    """Tokenise `text` and give every real token the BIO label of the span covering it.

    A token inside a span is B- when it starts the span and I- otherwise; each sub-word of a word
    gets its own label, so no word-level heuristic is needed for Chinese (one character a token).
    """
    encoding = tokenizer(text, truncation=True, max_length=max_length, return_offsets_mapping=True)
    labels = []
    for index, (start, end) in enumerate(encoding["offset_mapping"]):
        if encoding.token_to_word(index) is None or start == end:  # [CLS], [SEP], padding
            labels.append(IGNORE_INDEX)
            continue
        label = "O"
        for span in spans:
            if span.start <= start and end <= span.end:
                label = ("B-" if start == span.start or _starts_span(encoding, index, span) else "I-") + span.type
                break
        labels.append(LABEL_IDS[label])
    return {"input_ids": encoding["input_ids"], "attention_mask": encoding["attention_mask"], "labels": labels}


def _starts_span(encoding: Any, index: int, span: Span) -> bool:
    # The span's first character may sit inside a token that begins before it (a span cut
    # mid-word); then the first token wholly inside the span begins it.
    if index == 0:
        return True
    previous_start, previous_end = encoding["offset_mapping"][index - 1]
    return not (span.start <= previous_start and previous_end <= span.end and previous_end > previous_start)
