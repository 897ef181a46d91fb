"""The ml admin: importing the modules registers their model admins."""

from . import jobs, skills

__all__ = ["jobs", "skills"]
