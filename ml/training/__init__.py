"""Torch code: tokenisation and label alignment, the fine-tuning loop. Imported only by ml tasks
and management commands, never by the web process."""
