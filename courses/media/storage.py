"""Where lesson media lives: a storage of its own, never under the public MEDIA_URL.

`STORAGES["protected"]` names the backend (object storage in production, through django-storages);
the embedded default is a folder outside MEDIA_ROOT, so that serving /media/ never serves a lesson.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class ProtectedFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage rooted at PROTECTED_MEDIA_ROOT, with no public URL."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        self._protected_location = location
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._protected_location, settings.PROTECTED_MEDIA_ROOT)

    # `setting` is any setting's name (the stubs list only MEDIA_*): this storage also follows its own.
    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PROTECTED_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        # No public URL: files go out through courses.media.serving's signed ones. Empty, not an
        # error, so that the admin's file widgets still show the current file's name.
        return ""


def protected_storage() -> Storage:
    return storages["protected"]
